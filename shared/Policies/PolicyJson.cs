using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Policies;

/// <summary>The one JSON shape of policy documents: camelCase, enums as camelCase strings, unknown members refused.</summary>
public static class PolicyJson
{
    /// <summary>Options for reading and writing policy documents.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // The Web defaults read "0.7" as a number; a policy is an authored document, and a quoted number
            // is as likely a mistake as not, so numbers are numbers (the schema says the same).
            NumberHandling = JsonNumberHandling.Strict,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
