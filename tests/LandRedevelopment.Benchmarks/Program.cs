using System.Diagnostics;
using System.Globalization;
using System.Text;
using LandRedevelopment.Benchmarks;

// The benchmark harness (scripts/bench.sh publishes the app and the bare app, then runs this): starts Azurite and MailDev,
// runs the published app as a process and measures it end to end against raw storage baselines; prints the table and
// writes it into BENCHMARKS.md between the results markers.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var o = BenchOptions.Parse(args);
var started = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();
var results = new List<Result>();
var failures = new List<string>();

async Task Phase(string name, Func<Task<List<Result>>> run)
{
    if (!o.Runs(name))
    {
        return;
    }

    Bench.Log($"— {name}");
    var sw = Stopwatch.StartNew();
    try
    {
        results.AddRange(await run());
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or Azure.RequestFailedException or TaskCanceledException)
    {
        failures.Add($"{name}: {e.Message}");
        Bench.Log($"{name} FAILED: {e}");
    }

    Bench.Log($"— {name} took {sw.Elapsed.TotalSeconds:0} s");
}

if (new[] { "surveys", "evidence", "review", "timers", "cold" }.Any(o.Runs))
{
    Bench.Log("starting Azurite, MailDev and the published app");
    await using var env = await BenchEnv.StartAsync(o.AppDir, withMail: true, seed: true, adjustableClock: true);
    await Phase("surveys", () => SurveyBench.RunAsync(env, o));
    await Phase("evidence", () => EvidenceBench.RunAsync(env, o));
    await Phase("review", () => ReviewBench.RunAsync(env, o));
    await Phase("timers", () => TimerBench.LatencyAsync(env, o));
    await Phase("cold", () => ColdStart.RunAsync(env, o));
}

await Phase("sweep", () => TimerBench.SweepAsync(o.AppDir, o));
await Phase("outbox", () => OutboxBench.RunAsync(o));

var date = started.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
var machine = Bench.Machine();
string F(double v) => v >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : v >= 10 ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("0.00", CultureInfo.InvariantCulture);
var rows = results.Select(r => new[]
{
    r.Metric, $"{F(r.Value)} {r.Unit}", r.Baseline is { } b ? $"{F(b)} {r.Unit}" : "—", r.Ratio is { } q ? q.ToString("0.00", CultureInfo.InvariantCulture) : "—",
    r.Goal ?? "—", r.Met is null ? "—" : r.Met.Value ? "met" : "NOT met", r.Note ?? "",
}).ToList();
string[] header = ["metric", "value", "baseline", "ratio", "goal", "", "notes"];

Console.WriteLine();
Console.WriteLine($"date: {date}   machine: {machine}   run: {total.Elapsed.TotalSeconds:0} s");
var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
Console.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
foreach (var r in rows)
{
    Console.WriteLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))));
}

foreach (var f in failures)
{
    Console.WriteLine("FAILED " + f);
}

if (o.Output.Length > 0)
{
    var md = new StringBuilder();
    md.AppendLine(CultureInfo.InvariantCulture, $"Run {date} on {machine}; the whole run took {total.Elapsed.TotalSeconds:0} s.");
    var shown = args.Where((a, i) => a is not ("--app" or "--bare" or "--out") && (i == 0 || args[i - 1] is not ("--app" or "--bare" or "--out"))).ToList();
    md.AppendLine(CultureInfo.InvariantCulture, $"Options: {(shown.Count == 0 ? "the defaults" : "`" + string.Join(' ', shown) + "`")}.");
    md.AppendLine();
    md.AppendLine("| metric | value | baseline | ratio | goal | | notes | date | machine |");
    md.AppendLine("|---|---|---|---|---|---|---|---|---|");
    foreach (var r in rows)
    {
        md.AppendLine("| " + string.Join(" | ", r.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + $" | {date} | {Environment.ProcessorCount} cores |");
    }

    foreach (var f in failures)
    {
        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"**Failed:** {f}");
    }

    const string Start = "<!-- results:start -->", End = "<!-- results:end -->";
    var existing = File.Exists(o.Output) ? await File.ReadAllTextAsync(o.Output) : "";
    var block = Start + "\n" + md.ToString().TrimEnd() + "\n" + End;
    var text = existing.Contains(Start, StringComparison.Ordinal) && existing.Contains(End, StringComparison.Ordinal)
        ? existing[..existing.IndexOf(Start, StringComparison.Ordinal)] + block + existing[(existing.IndexOf(End, StringComparison.Ordinal) + End.Length)..]
        : "# Benchmarks\n\n" + block + "\n";
    await File.WriteAllTextAsync(o.Output, text);
    Console.WriteLine($"results written to {o.Output}");
}

return failures.Count == 0 ? 0 : 1;
