using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Problems;

/// <summary>One thing wrong with a request: where (a JSON path, or a route/header name) and which rule it breaks.</summary>
public sealed record FieldError(string Path, string Message);

/// <summary>RFC 9457 problem+json results the API shares, so every 4xx names the field and the rule.</summary>
public static class RequestProblems
{
    public const string TypeBase = "https://land-redevelopment.example/problems/";

    public static ProblemHttpResult Validation(IEnumerable<FieldError> errors, string title = "The request is not valid.") =>
        Errors(StatusCodes.Status400BadRequest, "validation", errors, title);

    /// <summary>
    /// 422: the request is well formed, but what it says breaks a rule of the domain (e.g. a policy document of the right
    /// shape whose members make no sense together); <paramref name="kind"/> names the problem type, and <paramref name="extensions"/>
    /// adds members beside <c>errors</c> (e.g. the plan condition and its article).
    /// </summary>
    public static ProblemHttpResult Unprocessable(string kind, IEnumerable<FieldError> errors, string title, IReadOnlyDictionary<string, object?>? extensions = null) =>
        Errors(StatusCodes.Status422UnprocessableEntity, kind, errors, title, extensions);

    private static ProblemHttpResult Errors(int status, string kind, IEnumerable<FieldError> errors, string title, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var list = errors.ToList();
        return TypedResults.Problem(
            statusCode: status,
            type: TypeBase + kind,
            title: title,
            detail: string.Join("; ", list.Take(5).Select(e => $"{e.Path}: {e.Message}")) + (list.Count > 5 ? $"; and {list.Count - 5} more" : ""),
            extensions: new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["errors"] = list });
    }

    public static ProblemHttpResult Validation(string path, string message) => Validation([new FieldError(path, message)]);

    /// <summary>
    /// 409: the request would take a case past one of its limits (<c>CaseLimits</c>); the type names the rule
    /// (e.g. <c>…/receipts-limit</c>) and <c>errors</c> the field. Nothing was written.
    /// </summary>
    public static ProblemHttpResult Limit(string rule, string path, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: TypeBase + rule, title: "The case has reached a limit; nothing was written.", detail: detail,
            extensions: new Dictionary<string, object?> { ["rule"] = rule, ["errors"] = new[] { new FieldError(path, detail) } });

    public static ProblemHttpResult NotFound(string title, string? detail = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: TypeBase + "not-found", title: title, detail: detail);

    public static ProblemHttpResult Conflict(string title, string? detail = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, type: TypeBase + "conflict", title: title, detail: detail);

    public static ProblemHttpResult Unauthorized(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, type: TypeBase + "unauthorized", title: title, detail: detail);

    /// <summary>
    /// Reads a JSON request body: 415 for another content type, 413 past <paramref name="maxBytes"/>,
    /// 400 naming the line and path for malformed JSON. Returns the root element or the problem.
    /// </summary>
    public static async Task<(JsonElement Body, ProblemHttpResult? Problem)> ReadJsonAsync(HttpRequest request, long maxBytes = 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !request.ContentType.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
        {
            return (default, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, type: TypeBase + "unsupported-media-type",
                title: "The body must be JSON.", detail: $"Content-Type must be application/json; it is '{request.ContentType ?? "(none)"}'."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (default, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            // JsonDocument checks the structure, not the text inside strings: found later, it would be a 500.
            return (default, Validation("$", "is not valid UTF-8 text"));
        }

        try
        {
            // A member given twice is refused: otherwise validation would read one copy and the idempotency hash both.
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, Validation(e.Path is { Length: > 0 } p ? p : "$",
                $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"));
        }
    }

    /// <summary>Reads a JSON object body into <see cref="JsonFields"/>, or the problem that stops it.</summary>
    public static async Task<(JsonFields? Fields, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, long maxBytes = 1024 * 1024)
    {
        var (body, problem) = await ReadJsonAsync(request, maxBytes);
        if (problem is not null)
        {
            return (null, problem);
        }

        var fields = new JsonFields(body);
        return fields.IsObject ? (fields, null) : (null, Validation(fields.Errors));
    }

    /// <summary>Like <see cref="ReadObjectAsync"/> for an optional body: no body gives neither fields nor a problem.</summary>
    public static async Task<(JsonFields? Fields, ProblemHttpResult? Problem)> ReadOptionalObjectAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hasBody = request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0;
        return hasBody ? await ReadObjectAsync(request) : (null, null);
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, type: TypeBase + "too-large",
            title: "The request body is too large.", detail: $"At most {maxBytes} bytes are accepted here.");
}

/// <summary>Reads typed members out of a JSON object, collecting an error per bad field.</summary>
public sealed class JsonFields(JsonElement root, string path = "$")
{
    /// <summary>The element read.</summary>
    public JsonElement Root => root;

    /// <summary>The element's JSON path, e.g. <c>$</c> or <c>$.plan</c>.</summary>
    public string Path => path;

    public List<FieldError> Errors { get; } = [];

    public bool IsObject
    {
        get
        {
            if (root.ValueKind == JsonValueKind.Object)
            {
                return true;
            }

            Errors.Add(new FieldError(path, "must be a JSON object"));
            return false;
        }
    }

    /// <summary>Unknown members are refused, so a typo is an error rather than silently ignored.</summary>
    public void OnlyKnown(params string[] names)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var p in root.EnumerateObject().Where(p => !names.Contains(p.Name, StringComparer.Ordinal)))
        {
            Errors.Add(new FieldError($"{path}.{p.Name}", "is not a known member"));
        }
    }

    public string? String(string name, bool required, int maxLength = 200, Func<string, bool>? rule = null, string? ruleText = null)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors.Add(new FieldError($"{path}.{name}", "is required"));
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Errors.Add(new FieldError($"{path}.{name}", "must be a string"));
            return null;
        }

        var s = v.GetString()!;
        if (required && string.IsNullOrWhiteSpace(s))
        {
            Errors.Add(new FieldError($"{path}.{name}", "must not be empty"));
            return null;
        }

        if (s.Length > maxLength)
        {
            Errors.Add(new FieldError($"{path}.{name}", $"must be at most {maxLength} characters"));
            return null;
        }

        if (rule is not null && !rule(s))
        {
            Errors.Add(new FieldError($"{path}.{name}", $"must be {ruleText}"));
            return null;
        }

        return s;
    }

    public IReadOnlyList<string>? Strings(string name, bool required, int maxItems, int maxLength, Func<string, bool>? rule = null, string? ruleText = null)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors.Add(new FieldError($"{path}.{name}", "is required"));
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Errors.Add(new FieldError($"{path}.{name}", "must be an array of strings"));
            return null;
        }

        if (v.GetArrayLength() > maxItems)
        {
            Errors.Add(new FieldError($"{path}.{name}", $"must have at most {maxItems} items"));
            return null;
        }

        var list = new List<string>();
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var itemPath = $"{path}.{name}[{i++}]";
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                Errors.Add(new FieldError(itemPath, "must be a non-empty string"));
            }
            else if (item.GetString()!.Length > maxLength)
            {
                Errors.Add(new FieldError(itemPath, $"must be at most {maxLength} characters"));
            }
            else if (rule is not null && !rule(item.GetString()!))
            {
                Errors.Add(new FieldError(itemPath, $"must be {ruleText}"));
            }
            else
            {
                list.Add(item.GetString()!);
            }
        }

        return list;
    }

    public IReadOnlyList<DateOnly>? Dates(string name, bool required, int maxItems)
    {
        var strings = Strings(name, required, maxItems, 10);
        if (strings is null)
        {
            return null;
        }

        var dates = new List<DateOnly>();
        for (var i = 0; i < strings.Count; i++)
        {
            if (DateOnly.TryParseExact(strings[i], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d))
            {
                dates.Add(d);
            }
            else
            {
                Errors.Add(new FieldError($"{path}.{name}[{i}]", "must be a date yyyy-MM-dd"));
            }
        }

        return dates;
    }

    public double? Number(string name, bool required, double min, double max)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors.Add(new FieldError($"{path}.{name}", "is required"));
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d < min || d > max)
        {
            Errors.Add(new FieldError($"{path}.{name}", $"must be a number from {min} to {max}"));
            return null;
        }

        return d;
    }

    public JsonElement? Object(string name, bool required)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors.Add(new FieldError($"{path}.{name}", "is required"));
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            Errors.Add(new FieldError($"{path}.{name}", "must be a JSON object"));
            return null;
        }

        return v;
    }
}
