using System.Globalization;
using System.Net.Http;
using System.Text.Json;

namespace LandRedevelopment.Testing;

/// <summary>
/// One real MailDev for the whole test assembly, on free loopback ports (SMTP and web API).
/// Test classes take it as <c>IClassFixture&lt;MailDevFixture&gt;</c>; it starts once and is killed at exit.
/// Classes run in parallel against the same server, so tests find their mail by a unique Message-ID or
/// subject with <see cref="WaitForAsync"/> rather than clearing and counting.
/// </summary>
public sealed class MailDevFixture
{
    private static readonly Lazy<Task<MailDevServer>> Shared = new(() => MailDevServer.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    public MailDevFixture() => Server = Shared.Value.GetAwaiter().GetResult();

    public MailDevServer Server { get; }

    public int SmtpPort => Server.SmtpPort;

    public int WebPort => Server.WebPort;

    public Task<IReadOnlyList<CapturedMail>> MessagesAsync(CancellationToken cancellationToken = default) => Server.MessagesAsync(cancellationToken);

    public Task<CapturedMail> WaitForAsync(Func<CapturedMail, bool> predicate, TimeSpan timeout) => Server.WaitForAsync(predicate, timeout);

    /// <summary>The message exactly as it came over SMTP, for checks on the wire format.</summary>
    public Task<string> SourceAsync(string id) => Server.SourceAsync(id);

    /// <summary>Deletes every captured message, including other test classes' mail: only for tests that own the server.</summary>
    public Task ClearAsync() => Server.ClearAsync();
}

/// <summary>A mailbox as MailDev parsed it.</summary>
public sealed record CapturedAddress(string Address, string Name);

/// <summary>One message MailDev received, as its REST API reports it (headers decoded, names lower-case).</summary>
public sealed record CapturedMail(
    string Id,
    string Subject,
    IReadOnlyList<CapturedAddress> From,
    IReadOnlyList<CapturedAddress> To,
    IReadOnlyList<string> EnvelopeTo,
    string? Text,
    string? Html,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers)
{
    /// <summary>The first value of a header, or <see langword="null"/>; names are case-insensitive.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    /// <summary>The raw Message-ID header, with angle brackets.</summary>
    public string? MessageId => Header("message-id");
}

/// <summary>A MailDev process: SMTP and web API on two free loopback ports, mail kept in a temporary directory.</summary>
public sealed class MailDevServer : IDisposable
{
    private readonly HttpClient _http;

    private MailDevServer(ChildProcess process, int smtpPort, int webPort)
    {
        Process = process;
        SmtpPort = smtpPort;
        WebPort = webPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public ChildProcess Process { get; }

    public int SmtpPort { get; }

    public int WebPort { get; }

    public static async Task<MailDevServer> StartAsync()
    {
        var script = RepoPaths.NodeBin("maildev", Path.Combine("bin", "maildev"));
        int smtp = Loopback.FreePort(), web = Loopback.FreePort();
        var dir = Path.Combine(Path.GetTempPath(), "maildev-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var process = ChildProcess.StartNode(script,
        [
            "--silent",
            "--ip", "127.0.0.1", "--smtp", smtp.ToString(CultureInfo.InvariantCulture),
            "--web-ip", "127.0.0.1", "--web", web.ToString(CultureInfo.InvariantCulture),
            "--mail-directory", dir,
        ], dir);
        var timeout = TimeSpan.FromSeconds(60);
        await Loopback.WaitForPortAsync(smtp, process, timeout, "MailDev SMTP");
        await Loopback.WaitForPortAsync(web, process, timeout, "MailDev web");
        return new MailDevServer(process, smtp, web);
    }

    public async Task<IReadOnlyList<CapturedMail>> MessagesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri("email", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return doc.RootElement.EnumerateArray().Select(Parse).ToList();
    }

    /// <summary>Polls until a message matches; the timeout message lists what did arrive, which is usually the clue.</summary>
    public async Task<CapturedMail> WaitForAsync(Func<CapturedMail, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<CapturedMail> seen = [];
        while (true)
        {
            seen = await MessagesAsync();
            if (seen.FirstOrDefault(predicate) is { } match)
            {
                return match;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException(
                    $"No matching mail within {timeout}; MailDev holds {seen.Count}: " +
                    string.Join("; ", seen.Select(m => $"{m.MessageId} '{m.Subject}'")));
            }

            await Task.Delay(50);
        }
    }

    public async Task<string> SourceAsync(string id) =>
        await _http.GetStringAsync(new Uri("email/" + Uri.EscapeDataString(id) + "/source", UriKind.Relative));

    public async Task ClearAsync()
    {
        using var response = await _http.DeleteAsync(new Uri("email/all", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        _http.Dispose();
        Process.Dispose();
    }

    private static CapturedMail Parse(JsonElement e)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (e.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
            {
                // mailparser gives a repeated header (Received) as an array, a single one as a string.
                headers[p.Name] = p.Value.ValueKind == JsonValueKind.Array
                    ? p.Value.EnumerateArray().Select(v => v.ToString()).ToList()
                    : [p.Value.ToString()];
            }
        }

        return new CapturedMail(
            Str(e, "id") ?? "",
            Str(e, "subject") ?? "",
            Addresses(e, "from"),
            Addresses(e, "to"),
            e.TryGetProperty("envelope", out var env) && env.TryGetProperty("to", out var et) && et.ValueKind == JsonValueKind.Array
                ? et.EnumerateArray().Select(a => Str(a, "address") ?? "").ToList()
                : [],
            Str(e, "text"),
            Str(e, "html"),
            headers);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<CapturedAddress> Addresses(JsonElement e, string name) =>
        e.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(a => new CapturedAddress(Str(a, "address") ?? "", Str(a, "name") ?? "")).ToList()
            : [];
}
