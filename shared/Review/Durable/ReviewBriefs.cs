using LandRedevelopment.Review.Notices;

namespace LandRedevelopment.Review.Durable;

/// <summary>A loaded case as pages and views show it.</summary>
public static class ReviewBriefs
{
    /// <summary>The parcel and its screening.</summary>
    public static CaseBrief Brief(LoadedCase loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return ReviewMessages.Brief(loaded.Case, loaded.Context.Policy, loaded.Tenant.DisplayName);
    }

    /// <summary>The rules in principle the plan under review departs from (none on the determination track).</summary>
    public static IReadOnlyList<DepartureBrief> Departures(LoadedCase loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return ReviewMessages.DeparturesOf(loaded.State);
    }

    /// <summary>The step the case is at (or last was), or null before the review.</summary>
    public static StepBrief? Step(LoadedCase loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return ReviewMessages.StepOf(loaded.State, loaded.Context);
    }
}
