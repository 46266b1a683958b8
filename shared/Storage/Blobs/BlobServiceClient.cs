using System.Globalization;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage.Blobs;

/// <summary>What a blob client and the clients it hands out share: one pipeline, how it authenticates, the options.</summary>
internal sealed record BlobClientContext(HttpPipeline Pipeline, StorageAuthentication Auth, BlobClientOptions Options)
{
    public static BlobClientContext Create(StorageAuthentication auth, BlobClientOptions? options)
    {
        options ??= new BlobClientOptions();
        return new BlobClientContext(StoragePipeline.Build(options, auth, tableService: false), auth, options);
    }

    public HttpMessage NewMessage(RequestMethod method, Uri uri)
    {
        var message = Pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        return message;
    }
}

/// <summary>
/// The Blob service of one storage account: hands out container clients that share its pipeline, reads the
/// service properties (the health check), and issues user delegation keys. Shaped like Azure.Storage.Blobs' <c>BlobServiceClient</c>.
/// </summary>
public class BlobServiceClient
{
    private readonly BlobClientContext _context;

    /// <summary>Connects with a storage connection string (its key, or else its SAS).</summary>
    public BlobServiceClient(string connectionString, BlobClientOptions? options = null)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        Uri = parsed.BlobEndpoint;
        _context = BlobClientContext.Create(StorageAuthentication.FromConnectionString(parsed), options);
    }

    /// <summary>Connects to the service endpoint with the account key.</summary>
    public BlobServiceClient(Uri serviceUri, StorageSharedKeyCredential credential, BlobClientOptions? options = null)
        : this(serviceUri, BlobClientContext.Create(StorageAuthentication.FromSharedKey(credential), options))
    {
    }

    /// <summary>Connects to the service endpoint with Entra ID tokens (managed identity).</summary>
    public BlobServiceClient(Uri serviceUri, TokenCredential credential, BlobClientOptions? options = null)
        : this(serviceUri, BlobClientContext.Create(StorageAuthentication.FromToken(credential), options))
    {
    }

    /// <summary>For mocking.</summary>
    protected BlobServiceClient()
    {
        _context = null!;
        Uri = null!;
    }

    private BlobServiceClient(Uri serviceUri, BlobClientContext context)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        Uri = StorageRest.WithoutQuery(serviceUri);
        _context = context;
    }

    /// <summary>The service endpoint.</summary>
    public Uri Uri { get; }

    /// <summary>The storage account name.</summary>
    public string AccountName => StorageRest.AccountName(Uri);

    /// <summary>A client for one container, sharing this client's pipeline.</summary>
    public virtual BlobContainerClient GetBlobContainerClient(string blobContainerName) =>
        new(StorageRest.Child(Uri, blobContainerName), _context);

    /// <summary>Get Blob Service Properties; a cheap call that proves the endpoint and the credential work.</summary>
    public virtual async Task<Response> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.NewMessage(RequestMethod.Get, ServiceRoot);
        message.Request.Uri.AppendQuery("restype", "service");
        message.Request.Uri.AppendQuery("comp", "properties");
        return await _context.Pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);
    }

    /// <summary>
    /// Get User Delegation Key: a key valid from <paramref name="startsOn"/> (now when null) to <paramref name="expiresOn"/>
    /// (at most 7 days ahead) that signs user delegation SAS tokens. Only a client built with a <see cref="TokenCredential"/> may ask.
    /// </summary>
    public virtual async Task<Response<UserDelegationKey>> GetUserDelegationKeyAsync(DateTimeOffset? startsOn, DateTimeOffset expiresOn,
        CancellationToken cancellationToken = default)
    {
        if (_context.Auth.Token is null)
        {
            throw new InvalidOperationException("A user delegation key can only be requested by a client authenticated with a TokenCredential.");
        }

        static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        using var message = _context.NewMessage(RequestMethod.Post, ServiceRoot);
        message.Request.Uri.AppendQuery("restype", "service");
        message.Request.Uri.AppendQuery("comp", "userdelegationkey");
        message.Request.Content = StorageRest.XmlContent(new XElement("KeyInfo",
            new XElement("Start", Iso(startsOn ?? _context.Options.TimeProvider.GetUtcNow())),
            new XElement("Expiry", Iso(expiresOn))));
        var response = await _context.Pipeline.SendAsync(message, cancellationToken, 200).ConfigureAwait(false);

        var key = StorageRest.ReadXml(response);
        string Text(string name) => key.Element(name)?.Value ?? string.Empty;
        DateTimeOffset Time(string name) => DateTimeOffset.Parse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return Response.FromValue(
            new UserDelegationKey(Text("SignedOid"), Text("SignedTid"), Time("SignedStart"), Time("SignedExpiry"), Text("SignedService"),
                Text("SignedVersion"), Text("Value")),
            response);
    }

    private Uri ServiceRoot => new(Uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
}
