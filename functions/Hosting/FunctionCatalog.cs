using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>One binding of a <c>function.json</c>, with the properties the app and the local runner read.</summary>
public sealed record BindingDefinition
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("direction")] public string Direction { get; init; } = "in";
    [JsonPropertyName("queueName")] public string? QueueName { get; init; }
    [JsonPropertyName("connection")] public string? Connection { get; init; }
    [JsonPropertyName("schedule")] public string? Schedule { get; init; }
    [JsonPropertyName("runOnStartup")] public bool RunOnStartup { get; init; }
    [JsonPropertyName("useMonitor")] public bool? UseMonitor { get; init; }
    [JsonPropertyName("route")] public string? Route { get; init; }
    [JsonPropertyName("methods")] public IReadOnlyList<string>? Methods { get; init; }
    [JsonPropertyName("authLevel")] public string? AuthLevel { get; init; }
}

/// <summary>A function as the Functions host sees it: the folder name and the bindings of its <c>function.json</c>.</summary>
public sealed record FunctionDefinition(string Name, IReadOnlyList<BindingDefinition> Bindings, bool Disabled)
{
    /// <summary>The binding that starts the function.</summary>
    public BindingDefinition Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public bool IsHttp => Trigger.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsQueue => Trigger.Type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsTimer => Trigger.Type.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads every <c>*/function.json</c> below a function app root, the same files the Functions host reads,
/// so that the local runner and the tests see exactly the functions that are deployed.
/// </summary>
public static class FunctionCatalog
{
    internal sealed record FunctionJson(
        [property: JsonPropertyName("bindings")] IReadOnlyList<BindingDefinition>? Bindings,
        [property: JsonPropertyName("disabled")] bool Disabled);

    public static IReadOnlyList<FunctionDefinition> Load(string appRoot)
    {
        if (!Directory.Exists(appRoot))
        {
            throw new DirectoryNotFoundException($"Function app root '{appRoot}' does not exist.");
        }

        var functions = new List<FunctionDefinition>();
        foreach (var dir in Directory.EnumerateDirectories(appRoot).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "function.json");
            if (!File.Exists(file))
            {
                continue;
            }

            FunctionJson? json;
            try
            {
                json = JsonSerializer.Deserialize(File.ReadAllText(file), FunctionJsonContext.Default.FunctionJson);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"{file} is not valid JSON: {e.Message}", e);
            }

            var bindings = json?.Bindings ?? [];
            var triggers = bindings.Count(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
            if (triggers != 1)
            {
                throw new InvalidOperationException($"{file} must have exactly one trigger binding; it has {triggers}.");
            }

            functions.Add(new FunctionDefinition(Path.GetFileName(dir), bindings, json?.Disabled ?? false));
        }

        return functions;
    }

    /// <summary>Replaces <c>%Name%</c> with the application setting of that name, as the host does in binding properties.</summary>
    public static string ResolveSettings(string value, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(configuration);
        var parts = value.Split('%');
        if (parts.Length < 3)
        {
            return value;
        }

        for (var i = 1; i < parts.Length - 1; i += 2)
        {
            parts[i] = configuration[parts[i].Replace("__", ":", StringComparison.Ordinal)]
                       ?? throw new InvalidOperationException($"Application setting '{parts[i]}' used in '{value}' is not set.");
        }

        return string.Concat(parts);
    }
}

/// <summary>The <c>function.json</c> reader, generated at compile time: the local runner reads these at every start.</summary>
[JsonSerializable(typeof(FunctionCatalog.FunctionJson))]
internal sealed partial class FunctionJsonContext : JsonSerializerContext;
