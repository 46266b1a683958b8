using System.Text.Json;
using System.Text.Json.Serialization;
using LandRedevelopment.Review.Workflow;

namespace LandRedevelopment.Review.Durable;

/// <summary>The review's state and events as stored: camelCase JSON, enums by name.</summary>
public static class ReviewStateJson
{
    /// <summary>The options both use.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The stored state, or the initial state before the review starts.</summary>
    public static ReviewState Read(string? json) =>
        json is null ? ReviewState.Initial : JsonSerializer.Deserialize<ReviewState>(json, Options) ?? ReviewState.Initial;

    /// <summary>The state to store.</summary>
    public static string Write(ReviewState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>An event as its audit-trail data (with its <c>type</c>).</summary>
    public static JsonElement EventData(ReviewEvent reviewEvent) => JsonSerializer.SerializeToElement(reviewEvent, Options);

    /// <summary>The audit-trail type of an event: its class name without an <c>Event</c> suffix, e.g. StepApproved.</summary>
    public static string EventType(ReviewEvent reviewEvent)
    {
        ArgumentNullException.ThrowIfNull(reviewEvent);
        var name = reviewEvent.GetType().Name;
        return name.EndsWith("Event", StringComparison.Ordinal) ? name[..^"Event".Length] : name;
    }
}
