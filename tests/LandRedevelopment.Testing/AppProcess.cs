namespace LandRedevelopment.Testing;

/// <summary>
/// The real function app as its own process (the built <c>LandRedevelopment.Functions.dll</c> from
/// <c>functions/bin</c>), on a free loopback port, talking to the storage it is given.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private AppProcess(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The folder of the app's build output: the same configuration as the running tests.</summary>
    public static string AppDirectory
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dir = Path.Combine(RepoPaths.Root, "functions", "bin", configuration, "net10.0");
            if (!File.Exists(Path.Combine(dir, "LandRedevelopment.Functions.dll")))
            {
                throw new InvalidOperationException($"The app is not built in {dir}: build the solution first (the test command does).");
            }

            return dir;
        }
    }

    /// <summary>Starts the app with <paramref name="settings"/> as environment variables and waits until it listens.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, int? port = null)
    {
        var p = port ?? Loopback.FreePort();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{p}",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            // Never pick up a developer's local settings file.
            ["LOCAL_SETTINGS_PATH"] = Path.Combine(Path.GetTempPath(), "no-local-settings-" + Guid.NewGuid().ToString("N") + ".json"),
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["Logging__Console__FormatterName"] = "simple",
            ["Hosting__ExitWhenStdinCloses"] = "true",
            ["Review__PublicBaseUrl"] = $"http://127.0.0.1:{p}",
        };
        foreach (var (k, v) in settings)
        {
            environment[k] = v;
        }

        var dir = AppDirectory;
        var child = ChildProcess.Start("dotnet", [Path.Combine(dir, "LandRedevelopment.Functions.dll")], dir, environment);
        await Loopback.WaitForPortAsync(p, child, TimeSpan.FromSeconds(60), "The app");
        return new AppProcess(child, p);
    }

    /// <summary>Waits until <c>/api/health</c> answers 200.</summary>
    public async Task WaitHealthyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Http.GetAsync("api/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The app did not become healthy: {last}\n{Process.Output}");
    }

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}
