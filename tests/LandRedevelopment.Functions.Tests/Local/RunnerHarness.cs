using System.Collections.Concurrent;
using LandRedevelopment.Functions.Hosting.Local;
using LandRedevelopment.Testing;
using Microsoft.AspNetCore.Builder;

namespace LandRedevelopment.Functions.Tests.Local;

/// <summary>
/// A small web app registered like the real one (<see cref="LocalTriggerRunnerRegistration.AddLocalTriggerRunner"/>),
/// whose functions are defined by the test: <c>function.json</c> files in a temporary app root, and handlers
/// mapped by the test. It listens on a free loopback port and talks to real Azurite.
/// </summary>
public sealed class RunnerHarness : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunnerHarness(WebApplication app, string appRoot)
    {
        _app = app;
        AppRoot = appRoot;
    }

    public string AppRoot { get; }

    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>Writes the app root (host.json + one folder per function) and returns its path.</summary>
    public static string WriteAppRoot(string hostJson, IReadOnlyDictionary<string, string> functions)
    {
        var root = Directory.CreateTempSubdirectory("runner-app-").FullName;
        File.WriteAllText(Path.Combine(root, "host.json"), hostJson);
        foreach (var (name, json) in functions)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "function.json"), json);
        }

        return root;
    }

    public static async Task<RunnerHarness> StartAsync(string appRoot, string connectionString, Action<WebApplication> mapFunctions, string? hostId = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["LocalTriggers:Enabled"] = "true",
            ["LocalTriggers:AppRoot"] = appRoot,
            ["LocalTriggers:HostId"] = hostId ?? "runner-" + Guid.NewGuid().ToString("N")[..8],
        });
        builder.Services.AddLocalTriggerRunner();
        var app = builder.Build();
        mapFunctions(app);
        await app.StartAsync();
        return new RunnerHarness(app, appRoot);
    }

    public Uri Address => new(_app.Urls.First());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(AppRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the time is up.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}
