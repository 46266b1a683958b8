using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LandRedevelopment.Functions.Tests.Review;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>One bad request, described well enough to send it again by hand.</summary>
public sealed record HostileRequest(string Category, HttpMethod Method, string Url, string What)
{
    public byte[]? Body { get; init; }

    /// <summary>The Content-Type header as sent (unvalidated); none when null.</summary>
    public string? ContentType { get; init; }

    /// <summary>Send the body with chunked transfer encoding (no Content-Length).</summary>
    public bool Chunked { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>
    /// The request line itself is malformed (a NUL in the path): the HTTP server refuses it with a bare 400 before the app
    /// sees it, and that counts as a clean refusal too.
    /// </summary>
    public bool ServerMayRefuse { get; init; }

    /// <summary>Send the path exactly as written: no dot-segment removal or escaping by the client.</summary>
    public bool RawPath { get; init; }

    public static HostileRequest Json(string category, HttpMethod method, string url, string what, string json, params (string, string)[] headers) =>
        new(category, method, url, what) { Body = Encoding.UTF8.GetBytes(json), ContentType = "application/json", Headers = headers };

    public static HostileRequest Bytes(string category, HttpMethod method, string url, string what, byte[] body, params (string, string)[] headers) =>
        new(category, method, url, what) { Body = body, ContentType = "application/json", Headers = headers };

    /// <summary>The request as a line for a failure report (the body cut short).</summary>
    public string Describe()
    {
        var body = Body is null ? "" : " body=" + Excerpt(Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 400))), 400) + (Body.Length > 400 ? $"…({Body.Length} bytes)" : "");
        var headers = string.Concat(Headers.Select(h => $" {h.Name}: {Excerpt(h.Value, 60)};"));
        return $"[{Category}] {What}: {Method} /{Url} ct={ContentType ?? "(none)"}{(Chunked ? " chunked" : "")}{headers}{body}";
    }

    internal static string Excerpt(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}

/// <summary>
/// Sends bad requests to the real app and checks each answer: a 4xx (never a 5xx, never a dropped connection) as
/// problem+json — or, for a decision link opened as a browser, the HTML page. Counts what was sent and seen per
/// category; failures are collected, not thrown one at a time, so one run shows every request that broke.
/// </summary>
public sealed class HostileRun(HttpClient http)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, int>> _statuses = new();
    private readonly ConcurrentQueue<(string Group, string Detail)> _failures = new();

    public int Sent => _statuses.Values.Sum(s => s.Values.Sum());

    public int FailureCount => _failures.Count;

    /// <summary>The failures grouped by category and what was wrong, each with its count and first example.</summary>
    public IReadOnlyList<string> FailureGroups => _failures.GroupBy(f => f.Group)
        .OrderByDescending(g => g.Count())
        .Select(g => $"{g.Count()}× {g.Key}\n    e.g. {g.First().Detail}")
        .ToList();

    /// <summary>Sends every request, a few at a time.</summary>
    public async Task SendAllAsync(IReadOnlyList<HostileRequest> requests, int parallelism = 4)
    {
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (request, _) => await SendAsync(request));
    }

    public async Task SendAsync(HostileRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int status;
        try
        {
            using var message = Build(request);
            using var response = await http.SendAsync(message);
            status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (Check(request, response, text) is { } problem && !(request.ServerMayRefuse && status == 400 && text.Length == 0))
            {
                _failures.Enqueue(($"[{request.Category}] {problem}", $"{request.Describe()}\n    answer: {status} {response.Content.Headers.ContentType} {HostileRequest.Excerpt(text, 300)}"));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            status = 0;
            _failures.Enqueue(($"[{request.Category}] no answer (dropped connection or time-out): {e.GetType().Name}: {e.Message}", request.Describe()));
        }

        _statuses.GetOrAdd(request.Category, _ => new ConcurrentDictionary<int, int>()).AddOrUpdate(status, 1, (_, n) => n + 1);
    }

    /// <summary>Prints requests and statuses per category.</summary>
    public void Report(ITestOutputHelper output, string title)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"{title}: {Sent} requests, {_failures.Count} failures");
        foreach (var (category, statuses) in _statuses.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var seen = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "no answer" : s.Key.ToString(CultureInfo.InvariantCulture))}×{s.Value}"));
            output.WriteLine($"  {category}: {statuses.Values.Sum()} sent; {seen}");
        }
    }

    private HttpRequestMessage Build(HostileRequest request)
    {
        var uri = request.RawPath
            ? new Uri(http.BaseAddress + request.Url, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true })
            : new Uri(http.BaseAddress + request.Url);
        var message = new HttpRequestMessage(request.Method, uri);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }

            if (request.Chunked)
            {
                message.Headers.TransferEncodingChunked = true;
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    /// <summary>What is wrong with the answer, or null when it is a clean refusal.</summary>
    private static string? Check(HostileRequest request, HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        if (status is < 400 or > 499)
        {
            return status >= 500 ? $"server error {status}" : $"not refused: {status}";
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (IsDecisionLink(request) && !AcceptsJson(request))
        {
            return mediaType == "text/html" ? null : $"a decision link opened as a browser answered {mediaType ?? "(no Content-Type)"}, not the HTML page";
        }

        if (mediaType != "application/problem+json")
        {
            return $"answered {mediaType ?? "(no Content-Type)"}, not application/problem+json";
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt32() == status
                ? null
                : "the problem's status member does not match the HTTP status";
        }
        catch (JsonException)
        {
            return "the problem+json body is not JSON";
        }
    }

    /// <summary>A request the decision-link route takes (a token with a '/' in it is some other, unknown route).</summary>
    private static bool IsDecisionLink(HostileRequest request) =>
        request.Url.StartsWith("api/review/", StringComparison.Ordinal) && !request.Url["api/review/".Length..].Contains('/', StringComparison.Ordinal);

    private static bool AcceptsJson(HostileRequest request) => request.Headers.Any(h =>
        h.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("json", StringComparison.OrdinalIgnoreCase) && !h.Value.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Sends the requests between two storage snapshots (each taken once storage has settled) and fails on any answer that
    /// is not a clean 4xx and on any change in storage; prints the counts, the failures grouped, and where the app's log is.
    /// </summary>
    public static async Task RunAsync(ReviewFixture review, ITestOutputHelper output, string title, IReadOnlyList<HostileRequest> requests, int minimum, int parallelism = 4)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(output);
        var connection = review.Azurite.ConnectionString;
        var before = await StorageSnapshot.SettledAsync(connection);
        var run = new HostileRun(review.App.Http);
        var started = DateTime.UtcNow;
        await run.SendAllAsync(requests, parallelism);
        run.Report(output, $"{title} ({(DateTime.UtcNow - started).TotalSeconds:F0} s)");
        var after = await StorageSnapshot.SettledAsync(connection);
        var changes = after.Since(before);
        output.WriteLine($"storage before: {before}; after: {after}; {changes.Count} lines changed");
        foreach (var change in changes.Take(20))
        {
            output.WriteLine("  " + HostileRequest.Excerpt(change, 400));
        }

        foreach (var group in run.FailureGroups)
        {
            output.WriteLine(group);
        }

        if (run.FailureGroups.Any(g => g.Contains("server error", StringComparison.Ordinal)))
        {
            // The app's log holds the exceptions behind its 5xx answers.
            var log = Path.Combine(Path.GetTempPath(), $"hostile-app-{title.Replace(' ', '-')}-{Guid.NewGuid():N}.log");
            await File.WriteAllTextAsync(log, review.App.Process.Output);
            output.WriteLine("the app's log: " + log);
        }

        Assert.True(run.Sent >= minimum, $"only {run.Sent} requests sent");
        Assert.True(run.FailureCount == 0 && changes.Count == 0,
            $"{run.FailureCount} of {run.Sent} requests not answered with a clean 4xx; {changes.Count} storage lines changed.\n" +
            string.Join("\n", run.FailureGroups.Take(10)) + "\nstorage changes:\n" + string.Join("\n", changes.Take(10).Select(c => HostileRequest.Excerpt(c, 300))));
    }
}
