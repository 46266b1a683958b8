using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Benchmarks;

/// <summary>One row of the results table. Ratio is value / baseline; Goal says which way it must go.</summary>
public sealed record Result(string Metric, double Value, string Unit, double? Baseline, string? Goal, bool? Met, string? Note = null)
{
    public double? Ratio => Baseline is { } b && b != 0 ? Value / b : null;
}

/// <summary>Shared helpers: HTTP clients, concurrency, surveys, statistics.</summary>
public static class Bench
{
    public const string AppExe = "LandRedevelopment.Functions";
    public const string BareExe = "BareApp";

    public static readonly IReadOnlyDictionary<string, (double Lon, double Lat, string District, string CandidateFlag)> Cities =
        new Dictionary<string, (double, double, string, string)>
        {
            ["karamay"] = (84.8731, 45.5958, "克拉玛依区", "inRenewalArea"),
            ["urumqi"] = (87.6168, 43.8256, "天山区", "plannedForRenewal"),
        };

    public static HttpClient NewHttp(Uri baseAddress) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(30), UseProxy = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(10),
        };

    /// <summary>Runs <paramref name="count"/> operations with <paramref name="concurrency"/> workers; returns the wall time and each latency.</summary>
    public static async Task<(TimeSpan Elapsed, double[] LatenciesMs)> RunAsync(int count, int concurrency, Func<int, Task> operation)
    {
        var next = -1;
        var latencies = new double[count];
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        return (sw.Elapsed, latencies);
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values) => Percentile(values, 50);

    public static string LandCode() => "650203" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>A 100 m square parcel somewhere within 200 km of the city (so overlaps are rare, as in the field).</summary>
    public static JsonObject Square(string city)
    {
        var (lon, lat, _, _) = Cities[city];
        const double metresPerDegree = 111_320;
        double east = Random.Shared.Next(0, 200_000), north = Random.Shared.Next(0, 200_000), side = 100;
        var cos = Math.Cos(lat * Math.PI / 180);
        double x0 = lon + east / (metresPerDegree * cos), y0 = lat + north / metresPerDegree;
        double dx = side / (metresPerDegree * cos), dy = side / metresPerDegree;
        JsonArray P(double x, double y) => new(Math.Round(x, 8), Math.Round(y, 8));
        return new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(P(x0, y0), P(x0 + dx, y0), P(x0 + dx, y0 + dy), P(x0, y0 + dy), P(x0, y0))),
        };
    }

    /// <summary>A survey valid for <paramref name="city"/>'s seed policy (also for a tenant onboarded with it); a candidate when asked.</summary>
    public static JsonObject Survey(string city, bool candidate, params JsonObject[] evidence)
    {
        var policy = SeedPolicies.Get(city).Policy;
        var (_, _, district, flag) = Cities[city];
        var attributes = new JsonObject();
        foreach (var name in new[] { "ownershipClear", "urbanStateOwnedStockConstructionLand", "urbanStockConstructionLand", "stockConstructionLandWithinUrbanBoundary" })
        {
            if (policy.Attributes.Any(a => a.Name == name))
            {
                attributes[name] = true;
            }
        }

        attributes["ownershipDisputed"] = false;
        if (candidate)
        {
            attributes[flag] = true;
        }

        return new JsonObject
        {
            ["submissionId"] = "bench-" + Guid.NewGuid().ToString("N"),
            ["surveyedOn"] = "2026-06-10",
            ["surveyor"] = "李明 (bench)",
            ["parcel"] = new JsonObject
            {
                ["landCode"] = LandCode(),
                ["district"] = district,
                ["landUse"] = "industrial",
                ["declaredAreaM2"] = 10000,
                ["geometry"] = Square(city),
                ["attributes"] = attributes,
            },
            ["evidence"] = new JsonArray(evidence.Select(e => (JsonNode)e).ToArray()),
        };
    }

    /// <summary>A file of random bytes that sniffs as a PDF.</summary>
    public static byte[] Pdf(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    public static JsonObject Declare(string name, byte[] bytes, string contentType) => new()
    {
        ["name"] = name,
        ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        ["size"] = bytes.Length,
        ["contentType"] = contentType,
    };

    public static HttpRequestMessage Field(HttpMethod method, string tenant, string key, string relative, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, $"api/t/{tenant}/{relative}") { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    /// <summary>Sends and returns the JSON body; throws with the body unless the status is one of <paramref name="ok"/>.</summary>
    public static async Task<JsonElement> SendAsync(HttpClient http, HttpRequestMessage request, params HttpStatusCode[] ok)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!(ok.Length == 0 ? response.IsSuccessStatusCode : ok.Contains(response.StatusCode)))
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {text}");
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public static string Machine()
    {
        var cpu = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }

        var memGb = MemTotalGb();
        return $"{Environment.ProcessorCount} cores {cpu}, {memGb:0} GB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }

    private static double MemTotalGb()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}
