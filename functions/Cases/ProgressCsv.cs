using System.Globalization;
using CsvHelper;
using LandRedevelopment.Cases;

namespace LandRedevelopment.Functions.Cases;

/// <summary>
/// The progress report as a CSV table (RFC 4180, UTF-8 with a byte-order mark so that spreadsheet programs read the
/// Chinese district names), for the officers who fill in the province's report forms. One row per level — the city (or
/// the one district asked for), then each district — with its totals and land price, each followed by a row per state.
/// </summary>
internal static class ProgressCsv
{
    /// <summary>The media type of the table.</summary>
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly string[] Header =
    [
        "asOf", "scope", "district", "state", "returnedTrack", "cases", "areaM2", "areaMu",
        "landPriceScheduled", "landPriceDue", "landPricePaid", "landPriceOutstanding", "landPriceOverdue",
    ];

    // UTF-8 with a byte-order mark; a field a spreadsheet would run as a formula (a district name starting with "=") is escaped.
    private static readonly CsvWriterOptions Options = new() { WriteByteOrderMark = true, Injection = CsvInjection.Escape };

    /// <summary>The report's table, as bytes to send.</summary>
    public static byte[] Write(ProgressReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Options, leaveOpen: true))
        {
            var asOf = report.AsOf.ToString("O", CultureInfo.InvariantCulture);
            csv.WriteRecord(Header);
            Level(csv, asOf, report.District is null ? "city" : "district", report.District ?? "", report.Cases, report.AreaM2, report.AreaMu, report.LandPrice, report.ByState);
            if (report.District is null)
            {
                foreach (var district in report.ByDistrict)
                {
                    Level(csv, asOf, "district", district.District, district.Cases, district.AreaM2, district.AreaMu, district.LandPrice, district.ByState);
                }
            }
        }

        return buffer.ToArray();
    }

    private static void Level(CsvWriter csv, string asOf, string scope, string district, int cases, decimal areaM2, decimal areaMu, LandPriceProgress price, IReadOnlyList<StateProgress> states)
    {
        csv.WriteRecord([.. Row(asOf, scope, district, "", "", cases, areaM2, areaMu),
            price.Scheduled.ToString(CultureInfo.InvariantCulture), price.Due, price.Paid, price.Outstanding, price.Overdue]);
        foreach (var state in states)
        {
            csv.WriteRecord([.. Row(asOf, scope, district, state.State.ToString(), state.ReturnedTrack ?? "", state.Cases, state.AreaM2, state.AreaMu), "", "", "", "", ""]);
        }
    }

    private static string[] Row(string asOf, string scope, string district, string state, string track, int cases, decimal areaM2, decimal areaMu) =>
    [
        asOf, scope, district, state, track,
        cases.ToString(CultureInfo.InvariantCulture), areaM2.ToString(CultureInfo.InvariantCulture), areaMu.ToString(CultureInfo.InvariantCulture),
    ];
}
