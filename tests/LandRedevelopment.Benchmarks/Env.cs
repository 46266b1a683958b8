using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LandRedevelopment.Storage;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Benchmarks;

/// <summary>The published app as a child process (the self-contained executable itself, so its pid is the app's).</summary>
public sealed class PublishedApp : IDisposable
{
    private PublishedApp(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
        Http = Bench.NewHttp(new Uri($"http://127.0.0.1:{port}/"));
    }

    public ChildProcess Process { get; }
    public int Port { get; }
    public HttpClient Http { get; }
    public int Pid => Process.Process.Id;

    /// <summary>Starts <paramref name="dir"/>/<paramref name="exe"/> with the settings as environment variables; does not wait.</summary>
    public static PublishedApp Start(string dir, string exe, IReadOnlyDictionary<string, string?> settings, int? port = null)
    {
        var p = port ?? Loopback.FreePort();
        var env = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{p}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["LOCAL_SETTINGS_PATH"] = Path.Combine(Path.GetTempPath(), "no-local-settings-" + Guid.NewGuid().ToString("N") + ".json"),
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
            ["Hosting__ExitWhenStdinCloses"] = "true",
            ["Review__PublicBaseUrl"] = $"http://127.0.0.1:{p}",
            // The console is a pipe the harness drains; per-request information logs would measure the logger.
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in settings)
        {
            env[k] = v;
        }

        return new PublishedApp(ChildProcess.Start(Path.Combine(dir, exe), [], dir, env), p);
    }

    /// <summary>Waits for the first 200 on /api/health, polling every few milliseconds.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, int pollMs = 5)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < timeout)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {Process.Process.ExitCode}:\n{Process.Output}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("api/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(pollMs);
        }

        throw new TimeoutException($"The app did not become healthy within {timeout}:\n{Process.Output}");
    }

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }
}

/// <summary>Samples a process's resident memory from /proc while something runs.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid)
    {
        _pid = pid;
        Start = Read(pid, "VmRSS:");
        Peak = Start;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var now = Read(_pid, "VmRSS:");
                if (now > Peak)
                {
                    Peak = now;
                }

                try
                {
                    await Task.Delay(10, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    public long Start { get; }
    public long Peak { get; private set; }

    /// <summary>A /proc/{pid}/status field in bytes (kB in the file).</summary>
    public static long Read(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Azurite, MailDev and the published app with the built-in cities, as one environment.</summary>
public sealed class BenchEnv : IAsyncDisposable
{
    public required AzuriteServer Azurite { get; init; }
    public MailDevServer? MailDev { get; init; }
    public required PublishedApp App { get; init; }
    public required string AdminKey { get; init; }
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();
    public StorageConnectionString Storage => StorageConnectionString.Parse(Azurite.ConnectionString);

    public static async Task<BenchEnv> StartAsync(string appDir, bool withMail, bool seed, bool adjustableClock, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var azurite = await AzuriteServer.StartAsync();
        var mail = withMail ? await MailDevServer.StartAsync() : null;
        var adminKey = "bench-admin-" + Guid.NewGuid().ToString("N");
        var keysFile = Path.Combine(Path.GetTempPath(), "bench-keys-" + Guid.NewGuid().ToString("N") + ".json");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["LocalTriggers__HostId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
            ["Admin__Key"] = adminKey,
            ["Clock__Adjustable"] = adjustableClock ? "true" : "false",
            ["Seed__BuiltInTenants"] = seed ? "true" : "false",
            ["Seed__KeysFile"] = seed ? keysFile : null,
        };
        if (mail is not null)
        {
            settings["Smtp__Host"] = "127.0.0.1";
            settings["Smtp__Port"] = mail.SmtpPort.ToString(CultureInfo.InvariantCulture);
            settings["Smtp__EnableStartTls"] = "false";
        }

        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var app = PublishedApp.Start(appDir, Bench.AppExe, settings);
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(60), 50);
        var keys = new Dictionary<string, string>();
        if (seed)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                if (File.Exists(keysFile))
                {
                    keys = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(keysFile)) ?? [];
                    if (keys.Count == 4)
                    {
                        break;
                    }
                }

                if (sw.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("The built-in tenants were not seeded within 60 s:\n" + app.Process.Output);
                }

                await Task.Delay(100);
            }

            File.Delete(keysFile);
        }

        return new BenchEnv { Azurite = azurite, MailDev = mail, App = app, AdminKey = adminKey, Keys = keys };
    }

    public HttpRequestMessage Admin(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : JsonContent.Create(json) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        return request;
    }

    public async Task<JsonElement> SendAdminAsync(HttpMethod method, string path, object? json = null)
    {
        using var response = await App.Http.SendAsync(Admin(method, path, json));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public ValueTask DisposeAsync()
    {
        // BENCH_APP_LOG=path keeps what the app wrote (warnings and errors) for a look at an odd figure.
        if (Environment.GetEnvironmentVariable("BENCH_APP_LOG") is { Length: > 0 } log)
        {
            File.AppendAllText(log, App.Process.Output);
        }

        App.Dispose();
        MailDev?.Dispose();
        Azurite.Dispose();
        return ValueTask.CompletedTask;
    }
}
