using System.Globalization;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace LandRedevelopment.Storage;

/// <summary>Small pieces the blob and queue clients share: resource URIs, metadata headers, dates, conditions, XML bodies.</summary>
internal static class StorageRest
{
    private const string MetadataPrefix = "x-ms-meta-";

    /// <summary>The URI of a child resource: <paramref name="name"/> escaped per segment ('/' kept), the parent's query dropped.</summary>
    public static Uri Child(Uri parent, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var escaped = string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        return new Uri(parent.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + escaped);
    }

    /// <summary>The URI without its query (a SAS, for instance).</summary>
    public static Uri WithoutQuery(Uri uri) => new(uri.GetLeftPart(UriPartial.Path));

    /// <summary>
    /// The path segments after the account: path-style endpoints (Azurite, IPs) carry the account as the first segment.
    /// Segments are unescaped; the blob name keeps its inner '/'.
    /// </summary>
    public static string[] ResourceSegments(Uri uri, int maxSegments)
    {
        var path = uri.AbsolutePath.Trim('/');
        if (StorageConnectionString.IsPathStyle(uri))
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            path = slash < 0 ? string.Empty : path[(slash + 1)..];
        }

        return path.Length == 0
            ? []
            : path.Split('/', maxSegments).Select(Uri.UnescapeDataString).ToArray();
    }

    /// <summary>The account a resource URI addresses.</summary>
    public static string AccountName(Uri uri) => StorageConnectionString.AccountNameFromEndpoint(uri);

    public static void AddMetadata(Request request, IDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (name, value) in metadata)
        {
            request.Headers.SetValue(MetadataPrefix + name, value);
        }
    }

    public static IDictionary<string, string> ReadMetadata(Response response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name[MetadataPrefix.Length..]] = header.Value;
            }
        }

        return metadata;
    }

    /// <summary>Parses an RFC 1123 date (as storage headers and queue bodies carry them).</summary>
    public static DateTimeOffset? ParseDate(string? value) =>
        string.IsNullOrEmpty(value)
            ? null
            : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? HeaderDate(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? ParseDate(value) : null;

    public static string? Header(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    public static void ApplyConditions(Request request, RequestConditions? conditions)
    {
        if (conditions is null)
        {
            return;
        }

        // "H" is the header form: quoted, except ETag.All's bare '*'.
        if (conditions.IfMatch is { } ifMatch)
        {
            request.Headers.SetValue("If-Match", ifMatch.ToString("H"));
        }

        if (conditions.IfNoneMatch is { } ifNoneMatch)
        {
            request.Headers.SetValue("If-None-Match", ifNoneMatch.ToString("H"));
        }

        if (conditions.IfModifiedSince is { } since)
        {
            request.Headers.SetValue("If-Modified-Since", since.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
        }

        if (conditions.IfUnmodifiedSince is { } unmodified)
        {
            request.Headers.SetValue("If-Unmodified-Since", unmodified.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Throws the usual <see cref="RequestFailedException"/> unless the failed response carries <paramref name="errorCode"/>.</summary>
    public static void ThrowUnlessErrorCode(Response response, string errorCode)
    {
        StorageRequestFailedDetailsParser.Instance.TryParse(response, out var error, out _);
        if (error?.Code != errorCode)
        {
            throw new RequestFailedException(response, null, StorageRequestFailedDetailsParser.Instance);
        }
    }

    /// <summary>The query of a List Blobs or List Queues page: the name prefix, the marker to go on from, and the page size.</summary>
    public static void AppendListQuery(RequestUriBuilder uri, string? prefix, string? marker, int? pageSize)
    {
        if (!string.IsNullOrEmpty(prefix))
        {
            uri.AppendQuery("prefix", prefix);
        }

        if (!string.IsNullOrEmpty(marker))
        {
            uri.AppendQuery("marker", marker);
        }

        if (pageSize is { } size)
        {
            uri.AppendQuery("maxresults", size.ToString(CultureInfo.InvariantCulture));
        }
    }

    public static XElement ReadXml(Response response)
    {
        using var stream = response.Content.ToStream();
        return XDocument.Load(stream).Root ?? throw new InvalidOperationException("The storage response has an empty XML body.");
    }

    public static RequestContent XmlContent(XElement root) =>
        RequestContent.Create(BinaryData.FromString(root.ToString(SaveOptions.DisableFormatting)));
}
