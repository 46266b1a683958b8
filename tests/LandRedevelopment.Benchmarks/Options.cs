using System.Globalization;

namespace LandRedevelopment.Benchmarks;

/// <summary>Command-line settings of a run; every size has a default that keeps the whole run to a few minutes on two cores.</summary>
public sealed class BenchOptions
{
    public string AppDir { get; set; } = "";
    public string BareDir { get; set; } = "";
    public string Output { get; set; } = "";
    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Submissions per run at concurrency 1; 8 and 32 run three times as many.</summary>
    public int Surveys { get; set; } = 100;
    public int[] Concurrency { get; set; } = [1, 8, 32];
    public int[] EvidenceMb { get; set; } = [1, 64, 256];
    public int PendingTimers { get; set; } = 10_000;
    public int LatencyGroups { get; set; } = 4;
    public int LatencyPerGroup { get; set; } = 40;
    public int[] SweepPending { get; set; } = [1_000, 10_000, 100_000];
    public int[] SweepDue { get; set; } = [10, 100, 1_000];
    public int SweepRepeats { get; set; } = 7;
    public int[] OutboxRows { get; set; } = [1_000, 10_000, 100_000];
    public int ReviewCases { get; set; } = 40;
    public int ReviewConcurrency { get; set; } = 8;
    public int ColdRuns { get; set; } = 11;

    public bool Runs(string phase) => Only.Count == 0 || Only.Contains(phase);

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        var scale = 1.0;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            int[] Ints() => Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            switch (args[i])
            {
                case "--app": o.AppDir = Next(); break;
                case "--bare": o.BareDir = Next(); break;
                case "--out": o.Output = Next(); break;
                case "--only": foreach (var p in Next().Split(',')) { o.Only.Add(p.Trim()); } break;
                case "--surveys": o.Surveys = Int(); break;
                case "--concurrency": o.Concurrency = Ints(); break;
                case "--evidence-mb": o.EvidenceMb = Ints(); break;
                case "--pending": o.PendingTimers = Int(); break;
                case "--latency-groups": o.LatencyGroups = Int(); break;
                case "--latency-per-group": o.LatencyPerGroup = Int(); break;
                case "--sweep-pending": o.SweepPending = Ints(); break;
                case "--sweep-due": o.SweepDue = Ints(); break;
                case "--sweep-repeats": o.SweepRepeats = Int(); break;
                case "--outbox-rows": o.OutboxRows = Ints(); break;
                case "--review-cases": o.ReviewCases = Int(); break;
                case "--review-concurrency": o.ReviewConcurrency = Int(); break;
                case "--cold-runs": o.ColdRuns = Int(); break;
                case "--scale": scale = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "-h" or "--help":
                    Console.WriteLine("""
                        bench [--only surveys,evidence,timers,sweep,outbox,review,cold] [--scale F] [--surveys N] [--concurrency 1,8,32]
                              [--evidence-mb 1,64,256] [--pending N] [--latency-groups G] [--latency-per-group K]
                              [--sweep-pending 1000,10000,100000] [--sweep-due 10,100,1000] [--sweep-repeats R]
                              [--outbox-rows 1000,10000,100000] [--review-cases N] [--review-concurrency C] [--cold-runs R] --app DIR --bare DIR [--out BENCHMARKS.md]
                        --scale multiplies every count (not the evidence sizes), e.g. --scale 0.1 for a smoke run.
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"unknown option {args[i]} (see --help)");
            }
        }

        if (scale != 1.0)
        {
            int S(int n) => Math.Max(1, (int)Math.Round(n * scale));
            o.Surveys = S(o.Surveys);
            o.PendingTimers = S(o.PendingTimers);
            o.LatencyPerGroup = S(o.LatencyPerGroup);
            o.SweepPending = o.SweepPending.Select(S).ToArray();
            o.SweepDue = o.SweepDue.Select(S).ToArray();
            o.OutboxRows = o.OutboxRows.Select(S).ToArray();
            o.ReviewCases = S(o.ReviewCases);
        }

        if (o.AppDir.Length == 0 || o.BareDir.Length == 0)
        {
            throw new ArgumentException("--app and --bare (the publish folders) are required; scripts/bench.sh passes them");
        }

        return o;
    }
}
