using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LandRedevelopment.Storage;

/// <summary>
/// Signs blob and queue requests with the SharedKey scheme
/// (<c>Authorization: SharedKey account:signature</c>), stamping <c>x-ms-date</c> on every try.
/// Registered as the last per-retry policy so it signs exactly what goes on the wire.
/// </summary>
public sealed class SharedKeyAuthenticationPolicy : HttpPipelineSynchronousPolicy
{
    private readonly StorageSharedKeyCredential _credential;
    private readonly TimeProvider _time;

    /// <summary>Creates the policy for the given account credential.</summary>
    public SharedKeyAuthenticationPolicy(StorageSharedKeyCredential credential, TimeProvider? time = null)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue("x-ms-date", _time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        var stringToSign = BuildStringToSign(message.Request, _credential.AccountName);
        message.Request.Headers.SetValue("Authorization", $"SharedKey {_credential.AccountName}:{_credential.ComputeHmacSha256(stringToSign)}");
    }

    /// <summary>The SharedKey string-to-sign for a request (service versions 2009-09-19 and later).</summary>
    public static string BuildStringToSign(Request request, string accountName)
    {
        ArgumentNullException.ThrowIfNull(request);
        string Header(string name) => request.Headers.TryGetValue(name, out var v) ? v : string.Empty;

        var contentLength = string.Empty;
        if (request.Content is not null && request.Content.TryComputeLength(out var length) && length != 0)
        {
            contentLength = length.ToString(CultureInfo.InvariantCulture);
        }

        var sb = new StringBuilder();
        sb.Append(request.Method.Method.ToUpperInvariant()).Append('\n')
          .Append(Header("Content-Encoding")).Append('\n')
          .Append(Header("Content-Language")).Append('\n')
          .Append(contentLength).Append('\n')
          .Append(Header("Content-MD5")).Append('\n')
          .Append(Header("Content-Type")).Append('\n')
          .Append('\n') // Date: x-ms-date is always sent instead
          .Append(Header("If-Modified-Since")).Append('\n')
          .Append(Header("If-Match")).Append('\n')
          .Append(Header("If-None-Match")).Append('\n')
          .Append(Header("If-Unmodified-Since")).Append('\n')
          .Append(Header("Range")).Append('\n');

        foreach (var header in request.Headers
                     .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            sb.Append(header.Name).Append(':').Append(header.Value.Trim()).Append('\n');
        }

        var uri = request.Uri.ToUri();
        sb.Append(CanonicalizedResource.Path(accountName, uri));
        foreach (var (name, values) in CanonicalizedResource.QueryParameters(uri))
        {
            sb.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }

        return sb.ToString();
    }
}

/// <summary>
/// Signs table requests with the SharedKeyLite scheme (<c>x-ms-date \n canonicalized resource</c>),
/// the scheme the Table service accepts for its JSON protocol.
/// </summary>
public sealed class SharedKeyLiteAuthenticationPolicy : HttpPipelineSynchronousPolicy
{
    private readonly StorageSharedKeyCredential _credential;
    private readonly TimeProvider _time;

    /// <summary>Creates the policy for the given account credential.</summary>
    public SharedKeyLiteAuthenticationPolicy(StorageSharedKeyCredential credential, TimeProvider? time = null)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var date = _time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-date", date);
        var stringToSign = BuildStringToSign(date, message.Request.Uri.ToUri(), _credential.AccountName);
        message.Request.Headers.SetValue("Authorization", $"SharedKeyLite {_credential.AccountName}:{_credential.ComputeHmacSha256(stringToSign)}");
    }

    /// <summary>The SharedKeyLite (Table service) string-to-sign.</summary>
    public static string BuildStringToSign(string date, Uri uri, string accountName)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var resource = CanonicalizedResource.Path(accountName, uri);
        var comp = CanonicalizedResource.QueryParameters(uri).FirstOrDefault(p => p.Name == "comp");
        return comp.Name is null ? $"{date}\n{resource}" : $"{date}\n{resource}?comp={string.Join(',', comp.Values)}";
    }
}

internal static class CanonicalizedResource
{
    public static string Path(string accountName, Uri uri) =>
        "/" + accountName + (uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");

    /// <summary>Query parameters by lower-case name (ordinal order), each with its decoded values sorted.</summary>
    public static IEnumerable<(string Name, IReadOnlyList<string> Values)> QueryParameters(Uri uri)
    {
        var query = uri.Query;
        if (query.Length <= 1)
        {
            return [];
        }

        return query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
                var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
                return (name, value);
            })
            .GroupBy(p => p.name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(p => p.value).Order(StringComparer.Ordinal).ToList()));
    }
}
