using System.Diagnostics;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Benchmarks;

/// <summary>Cold start: process start to the first 200 on /api/health, the service against a bare minimal-API app published the same way.</summary>
public static class ColdStart
{
    public static async Task<List<Result>> RunAsync(BenchEnv env, BenchOptions o)
    {
        async Task<double> Once(string dir, string exe, IReadOnlyDictionary<string, string?> settings)
        {
            var port = Loopback.FreePort();
            var sw = Stopwatch.StartNew();
            using var app = PublishedApp.Start(dir, exe, settings, port);
            await app.WaitHealthyAsync(TimeSpan.FromSeconds(60), pollMs: 2);
            return sw.Elapsed.TotalMilliseconds;
        }

        Dictionary<string, string?> Service() => new()
        {
            ["AzureWebJobsStorage"] = env.Azurite.ConnectionString,
            ["LocalTriggers__HostId"] = "cold-" + Guid.NewGuid().ToString("N")[..8],
            ["Admin__Key"] = env.AdminKey,
        };

        // One throw-away start of each warms the OS page cache, as any second start on a host would find it.
        await Once(o.AppDir, Bench.AppExe, Service());
        await Once(o.BareDir, Bench.BareExe, new Dictionary<string, string?>());
        var app = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < o.ColdRuns; i++)
        {
            app.Add(await Once(o.AppDir, Bench.AppExe, Service()));
            bare.Add(await Once(o.BareDir, Bench.BareExe, new Dictionary<string, string?>()));
        }

        var a = Bench.Median(app);
        var b = Bench.Median(bare);
        Bench.Log($"cold start: app {string.Join(", ", app.Select(v => v.ToString("0")))} ms; bare {string.Join(", ", bare.Select(v => v.ToString("0")))} ms; ratio {a / b:0.00}");
        return [new Result("cold start to first 200 on /api/health", a, "ms", b, "ratio ≤ 1.5", a / b <= 1.5,
            $"median of {o.ColdRuns}; app {app.Min():0}–{app.Max():0} ms, bare {bare.Min():0}–{bare.Max():0} ms")];
    }
}
