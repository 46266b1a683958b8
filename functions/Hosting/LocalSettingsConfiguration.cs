using System.Text.Json;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>
/// Reads the <c>Values</c> of a <c>local.settings.json</c>-style file into configuration, so that the app
/// reads the same keys locally (<c>AzureWebJobsStorage</c>, <c>Admin__Key</c>, …) as it does from
/// application settings under the Functions host. <c>__</c> in a key becomes the section separator,
/// as it does for environment variables. Environment variables still win.
/// </summary>
public static class LocalSettingsConfiguration
{
    /// <summary>Where the file is looked for: <c>LOCAL_SETTINGS_PATH</c>, else <c>local.settings.json</c> in the content root.</summary>
    public static string ResolvePath(string contentRoot) =>
        Environment.GetEnvironmentVariable("LOCAL_SETTINGS_PATH") is { Length: > 0 } explicitPath
            ? explicitPath
            : Path.Combine(contentRoot, "local.settings.json");

    /// <summary>Adds the file's values (if the file exists) below the environment variables.</summary>
    public static IConfigurationBuilder AddLocalSettings(this IConfigurationManager configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!File.Exists(path))
        {
            return configuration;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (doc.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        // Insert before the environment-variable sources so that the environment overrides the file.
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var firstEnvironment = sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values };
        if (firstEnvironment < 0)
        {
            sources.Add(source);
        }
        else
        {
            sources.Insert(firstEnvironment, source);
        }

        return configuration;
    }
}
