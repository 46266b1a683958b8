using LandRedevelopment.Finance;
using LandRedevelopment.Payments.Durable;

namespace LandRedevelopment.Cases;

/// <summary>
/// A case's land-price figures as the case index keeps them: whether a payment schedule is computed, the amount it makes
/// due, everything received, and what is unpaid of the instalments that fell overdue.
/// </summary>
public sealed record LandPriceFigures(bool Scheduled, Money Due, Money Paid, Money Overdue);

/// <summary>
/// The land price of a set of parcels: how many have a computed payment schedule, the amount due under them, received,
/// still owed, and unpaid of instalments that fell overdue (yuan, to the fen, written as the payments view writes them).
/// </summary>
public sealed record LandPriceProgress(int Scheduled, string Due, string Paid, string Outstanding, string Overdue)
{
    /// <summary>The figures of <paramref name="cases"/> added up.</summary>
    public static LandPriceProgress Of(IEnumerable<CaseSummary> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var figures = cases.Select(c => c.LandPrice).OfType<LandPriceFigures>().ToList();
        var due = Money.Sum(figures.Select(f => f.Due));
        var paid = Money.Sum(figures.Select(f => f.Paid));
        // Owed case by case: money received beyond one parcel's due does not pay another's.
        var outstanding = Money.Sum(figures.Select(f => f.Due > f.Paid ? f.Due - f.Paid : Money.Zero));
        return new LandPriceProgress(figures.Count(f => f.Scheduled), due.ToPlain(), paid.ToPlain(), outstanding.ToPlain(), Money.Sum(figures.Select(f => f.Overdue)).ToPlain());
    }
}

/// <summary>
/// How many parcels, and how much land, are in one state. <see cref="CaseState.ReturnedForRework"/> comes once per review
/// that returned its parcels: <c>determination</c> (more evidence) or <c>plan</c> (a revised plan); its
/// <see cref="ReturnedTrack"/> is null for parcels returned before the index kept it.
/// </summary>
public sealed record StateProgress(CaseState State, int Cases, decimal AreaM2, decimal AreaMu, string? ReturnedTrack = null);

/// <summary>One district's parcels by state.</summary>
public sealed record DistrictProgress(string District, int Cases, decimal AreaM2, decimal AreaMu, LandPriceProgress LandPrice, IReadOnlyList<StateProgress> ByState);

/// <summary>
/// Where a city's programme stands: its parcels and their surveyed area by state, for the whole city (or one district) and
/// district by district. What the city reports on its progress every six months (自然资发〔2023〕171号) starts from these
/// figures. States with no parcel are left out; areas are the surveyed areas (CGCS2000), mu from square metres × 0.0015.
/// The land price is what the parcels' payments stand at, as of their last transition.
/// </summary>
public sealed record ProgressReport(
    DateTimeOffset AsOf, string? District, int Cases, decimal AreaM2, decimal AreaMu, LandPriceProgress LandPrice, IReadOnlyList<StateProgress> ByState, IReadOnlyList<DistrictProgress> ByDistrict)
{
    /// <summary>The report over <paramref name="cases"/>, as of <paramref name="asOf"/>.</summary>
    public static ProgressReport From(IEnumerable<CaseSummary> cases, DateTimeOffset asOf, string? district = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var list = cases.Where(c => district is null || string.Equals(c.District, district, StringComparison.Ordinal)).ToList();
        var area = Sum(list);
        return new ProgressReport(asOf, district, list.Count, area, Mu(area), LandPriceProgress.Of(list), StatesOf(list),
            list.GroupBy(c => c.District, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DistrictProgress(g.Key, g.Count(), Sum(g), Mu(Sum(g)), LandPriceProgress.Of(g), StatesOf(g.ToList()))).ToList());
    }

    private static List<StateProgress> StatesOf(IReadOnlyCollection<CaseSummary> cases) =>
        cases.GroupBy(c => (c.State, c.ReturnedTrack)).OrderBy(g => g.Key.State).ThenBy(g => Array.IndexOf(Tracks, g.Key.ReturnedTrack))
            .Select(g => new StateProgress(g.Key.State, g.Count(), Sum(g), Mu(Sum(g)), g.Key.ReturnedTrack)).ToList();

    // The order of a returned state's entries: the determination's, the plan's, then those of unknown track.
    private static readonly string?[] Tracks = ["determination", "plan", null];

    private static decimal Sum(IEnumerable<CaseSummary> cases) => decimal.Round(cases.Sum(c => c.AreaM2), 2, MidpointRounding.AwayFromZero);

    // As a parcel's own mu figure (ParcelGeometry): square metres × 15 / 10 000, exact in decimal.
    private static decimal Mu(decimal areaM2) => decimal.Round(areaM2 * 0.0015m, 4, MidpointRounding.AwayFromZero);
}
