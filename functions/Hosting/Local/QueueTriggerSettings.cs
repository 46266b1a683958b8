using System.Text.Json;

namespace LandRedevelopment.Functions.Hosting.Local;

/// <summary>
/// The queue-trigger settings of <c>host.json</c> (<c>extensions.queues</c>), with the host's defaults,
/// so the local runner polls, retries and poisons exactly as the Functions host would.
/// </summary>
public sealed record QueueTriggerSettings
{
    public int BatchSize { get; init; } = 16;
    public int NewBatchThreshold { get; init; } = 8;
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>How long a failed message stays invisible before its next try.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>The longest wait between polls of an idle queue (polling backs off exponentially up to it).</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether message text is base64 on the queue (the host's default) or plain.</summary>
    public bool Base64 { get; init; } = true;

    /// <summary>Reads <c>host.json</c> in <paramref name="appRoot"/>; a missing file or section gives the defaults.</summary>
    public static QueueTriggerSettings Load(string appRoot)
    {
        var file = Path.Combine(appRoot, "host.json");
        var settings = new QueueTriggerSettings();
        if (!File.Exists(file))
        {
            return settings;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!doc.RootElement.TryGetProperty("extensions", out var ext) || !ext.TryGetProperty("queues", out var q))
        {
            return settings;
        }

        int Int(string name, int fallback) => q.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : fallback;
        TimeSpan Span(string name, TimeSpan fallback) =>
            q.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && TimeSpan.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : fallback;

        var batch = Math.Clamp(Int("batchSize", settings.BatchSize), 1, 32);
        return new QueueTriggerSettings
        {
            BatchSize = batch,
            NewBatchThreshold = Int("newBatchThreshold", batch / 2),
            MaxDequeueCount = Math.Max(1, Int("maxDequeueCount", settings.MaxDequeueCount)),
            VisibilityTimeout = Span("visibilityTimeout", settings.VisibilityTimeout),
            MaxPollingInterval = Span("maxPollingInterval", settings.MaxPollingInterval),
            Base64 = !(q.TryGetProperty("messageEncoding", out var enc) && string.Equals(enc.GetString(), "none", StringComparison.OrdinalIgnoreCase)),
        };
    }
}
