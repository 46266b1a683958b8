using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace LandRedevelopment.Storage;

/// <summary>
/// Reads a storage error: the code from <c>x-ms-error-code</c> (or the body), the message from the
/// XML <c>&lt;Error&gt;</c> body (blobs, queues) or the JSON <c>odata.error</c> body (tables).
/// </summary>
public sealed class StorageRequestFailedDetailsParser : RequestFailedDetailsParser
{
    /// <summary>The one instance the clients share.</summary>
    public static StorageRequestFailedDetailsParser Instance { get; } = new();

    /// <inheritdoc />
    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        string? message = null;
        try
        {
            var body = response.Content?.ToString();
            if (!string.IsNullOrWhiteSpace(body))
            {
                var trimmed = body.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
                if (trimmed.StartsWith('<'))
                {
                    var root = XDocument.Parse(trimmed).Root;
                    code ??= root?.Element("Code")?.Value;
                    message = root?.Element("Message")?.Value;
                }
                else if (trimmed.StartsWith('{'))
                {
                    using var doc = JsonDocument.Parse(trimmed);
                    if (doc.RootElement.TryGetProperty("odata.error", out var odata))
                    {
                        code ??= odata.TryGetProperty("code", out var c) ? c.GetString() : null;
                        if (odata.TryGetProperty("message", out var m))
                        {
                            message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString();
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException or InvalidOperationException)
        {
            // An unreadable body still leaves the status and the header code, which is what callers branch on.
        }

        error = code is null && message is null ? null : new ResponseError(code, message ?? code);
        return error is not null;
    }
}
