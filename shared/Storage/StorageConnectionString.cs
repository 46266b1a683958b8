using System.Globalization;

namespace LandRedevelopment.Storage;

/// <summary>
/// A parsed Azure Storage connection string: the account, its key (or a SAS), and one endpoint per service.
/// Accepts <c>UseDevelopmentStorage=true</c> (Azurite's well-known account on its default ports),
/// <c>DefaultEndpointsProtocol/AccountName/AccountKey/EndpointSuffix</c>, and explicit
/// <c>BlobEndpoint/QueueEndpoint/TableEndpoint</c> (as Azurite on other ports needs).
/// </summary>
public sealed class StorageConnectionString
{
    /// <summary>The name of Azurite's development account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The published key of Azurite's development account (not a secret).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private StorageConnectionString(string accountName, StorageSharedKeyCredential? credential, string? sasToken,
        Uri blobEndpoint, Uri queueEndpoint, Uri tableEndpoint)
    {
        AccountName = accountName;
        Credential = credential;
        SasToken = sasToken;
        BlobEndpoint = blobEndpoint;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
    }

    /// <summary>The storage account name.</summary>
    public string AccountName { get; }

    /// <summary>The account key credential, when the connection string carries a key.</summary>
    public StorageSharedKeyCredential? Credential { get; }

    /// <summary>The shared access signature (without a leading '?'), when the connection string carries one.</summary>
    public string? SasToken { get; }

    /// <summary>The blob service endpoint.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The queue service endpoint.</summary>
    public Uri QueueEndpoint { get; }

    /// <summary>The table service endpoint.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Connection string setting '{part}' is not of the form Name=Value.");
            }

            settings[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (settings.Count == 0)
        {
            throw new FormatException("The connection string is empty.");
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var proxy = settings.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : new Uri("http://127.0.0.1");
            Uri Dev(int port) => new($"{proxy.Scheme}://{proxy.Host}:{port.ToString(CultureInfo.InvariantCulture)}/{DevelopmentAccountName}");
            return new StorageConnectionString(DevelopmentAccountName,
                new StorageSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey), null,
                Dev(10000), Dev(10001), Dev(10002));
        }

        settings.TryGetValue("AccountName", out var accountName);
        settings.TryGetValue("AccountKey", out var accountKey);
        settings.TryGetValue("SharedAccessSignature", out var sas);
        var protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        var suffix = settings.TryGetValue("EndpointSuffix", out var sfx) ? sfx : "core.windows.net";

        Uri Endpoint(string service)
        {
            if (settings.TryGetValue(service + "Endpoint", out var explicitEndpoint))
            {
                if (!Uri.TryCreate(explicitEndpoint, UriKind.Absolute, out var uri))
                {
                    throw new FormatException($"{service}Endpoint '{explicitEndpoint}' is not an absolute URI.");
                }

                return uri;
            }

            if (string.IsNullOrEmpty(accountName))
            {
                throw new FormatException($"The connection string has neither {service}Endpoint nor AccountName.");
            }

            return new Uri($"{protocol}://{accountName}.{service.ToLowerInvariant()}.{suffix}");
        }

        var blob = Endpoint("Blob");
        var queue = Endpoint("Queue");
        var table = Endpoint("Table");
        accountName ??= AccountNameFromEndpoint(blob);

        StorageSharedKeyCredential? credential = null;
        if (!string.IsNullOrEmpty(accountKey))
        {
            credential = new StorageSharedKeyCredential(accountName, accountKey);
        }
        else if (string.IsNullOrEmpty(sas))
        {
            throw new FormatException("The connection string has neither AccountKey nor SharedAccessSignature.");
        }

        return new StorageConnectionString(accountName, credential, sas?.TrimStart('?'), blob, queue, table);
    }

    /// <summary>
    /// The account name an endpoint addresses: the first path segment for path-style (IP or localhost)
    /// endpoints such as Azurite's, otherwise the first label of the host name.
    /// </summary>
    public static string AccountNameFromEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (IsPathStyle(endpoint))
        {
            var first = endpoint.AbsolutePath.Trim('/').Split('/')[0];
            if (first.Length == 0)
            {
                throw new FormatException($"Path-style endpoint '{endpoint}' names no account.");
            }

            return first;
        }

        return endpoint.Host.Split('.')[0];
    }

    /// <summary>True for endpoints that carry the account in the path (an IP address or localhost).</summary>
    public static bool IsPathStyle(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
               || endpoint.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
    }
}
