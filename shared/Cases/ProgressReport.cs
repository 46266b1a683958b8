namespace LandRedevelopment.Cases;

/// <summary>How many parcels, and how much land, are in one state.</summary>
public sealed record StateProgress(CaseState State, int Cases, decimal AreaM2, decimal AreaMu);

/// <summary>One district's parcels by state.</summary>
public sealed record DistrictProgress(string District, int Cases, decimal AreaM2, decimal AreaMu, IReadOnlyList<StateProgress> ByState);

/// <summary>
/// Where a city's programme stands: its parcels and their surveyed area by state, for the whole city (or one district) and
/// district by district. What the city reports on its progress every six months (自然资发〔2023〕171号) starts from these
/// figures. States with no parcel are left out; areas are the surveyed areas (CGCS2000), mu from square metres × 0.0015.
/// </summary>
public sealed record ProgressReport(
    DateTimeOffset AsOf, string? District, int Cases, decimal AreaM2, decimal AreaMu, IReadOnlyList<StateProgress> ByState, IReadOnlyList<DistrictProgress> ByDistrict)
{
    /// <summary>The report over <paramref name="cases"/>, as of <paramref name="asOf"/>.</summary>
    public static ProgressReport From(IEnumerable<CaseSummary> cases, DateTimeOffset asOf, string? district = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var list = cases.Where(c => district is null || string.Equals(c.District, district, StringComparison.Ordinal)).ToList();
        var area = Sum(list);
        return new ProgressReport(asOf, district, list.Count, area, Mu(area), StatesOf(list),
            list.GroupBy(c => c.District, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DistrictProgress(g.Key, g.Count(), Sum(g), Mu(Sum(g)), StatesOf(g.ToList()))).ToList());
    }

    private static List<StateProgress> StatesOf(IReadOnlyCollection<CaseSummary> cases) =>
        cases.GroupBy(c => c.State).OrderBy(g => g.Key).Select(g => new StateProgress(g.Key, g.Count(), Sum(g), Mu(Sum(g)))).ToList();

    private static decimal Sum(IEnumerable<CaseSummary> cases) => decimal.Round(cases.Sum(c => c.AreaM2), 2, MidpointRounding.AwayFromZero);

    // As a parcel's own mu figure (ParcelGeometry): square metres × 15 / 10 000, exact in decimal.
    private static decimal Mu(decimal areaM2) => decimal.Round(areaM2 * 0.0015m, 4, MidpointRounding.AwayFromZero);
}
