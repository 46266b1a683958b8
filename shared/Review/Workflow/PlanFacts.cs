using LandRedevelopment.Screening;

namespace LandRedevelopment.Review.Workflow;

/// <summary>A document filed with a redevelopment plan, e.g. a soil-pollution survey, and who has approved it.</summary>
/// <param name="Kind">The evidence kind a plan gate asks for, e.g. soil-pollution-survey.</param>
/// <param name="ApprovedBy">The roles that have approved the document, e.g. city-bureau.</param>
/// <param name="Failed">True when the document records a failure (a survey over the risk-control standard): no approval makes it pass.</param>
public sealed record PlanDocument(string Kind, IReadOnlyList<string> ApprovedBy, bool Failed = false);

/// <summary>
/// A plan condition the source states only in principle (原则上, <c>strict: false</c>) that the plan does not meet: the plan
/// was taken, and the departure stays with it for the officers who decide it (e.g. 中卫 section 4(5): a scattered plot over 3 mu).
/// </summary>
/// <param name="ConditionId">The condition, e.g. scattered-plot-size.</param>
/// <param name="Description">What it says, in the policy's words.</param>
/// <param name="Source">The article that sets it, e.g. 中卫 section 4(5).</param>
/// <param name="Explanation">How the plan's facts depart from it, e.g. <c>largestScatteredPlotAreaM2 2500 not ≤ 2000</c>.</param>
public sealed record PlanDeparture(string ConditionId, string Description, string Source, string Explanation);

/// <summary>
/// What the review knows about a land user's redevelopment plan: the facts that choose its review chain
/// and decide whether a plan gate applies and is satisfied.
/// </summary>
/// <param name="CurrentLandUse">The parcel's land use now, as the case records it (a gate such as 中卫's applies only to a change of use).</param>
/// <param name="NewLandUse">The land use the plan changes to (the same code when it does not change use).</param>
/// <param name="Documents">The documents on file with their approvals.</param>
/// <param name="GreenChannel">Whether the plan goes through the green channel (佳木斯 item 19).</param>
/// <param name="Attributes">The facts the policy's <c>review.planAttributes</c> ask every plan to state (e.g. 中卫 section
/// 5(2): whether the original land user carries out the redevelopment); null for plans stored before plans stated any.</param>
/// <param name="Departures">The in-principle plan conditions the plan does not meet, as the decider found them when it took the
/// plan (or its revision); null when it meets them all. A command's own are not read.</param>
public sealed record PlanFacts(string CurrentLandUse, string NewLandUse, IReadOnlyList<PlanDocument> Documents, bool GreenChannel = false,
    IReadOnlyDictionary<string, AttributeValue>? Attributes = null, IReadOnlyList<PlanDeparture>? Departures = null)
{
    /// <summary>The attribute name plan gates read the new land use under.</summary>
    public const string NewLandUseName = "newLandUse";

    /// <summary>The flag plan chains read the green channel under.</summary>
    public const string GreenChannelName = "greenChannel";

    /// <summary>
    /// The facts as rule input, for <see cref="ReviewChainSelector"/> (choosing the plan chain) and for plan
    /// gates. Rules over plans read no survey date; <paramref name="asOf"/> fills the required field.
    /// </summary>
    public ScreeningInput ToRuleInput(string district, DateOnly asOf) => new()
    {
        LandUse = CurrentLandUse,
        District = district,
        SurveyedOn = asOf,
        Attributes = new Dictionary<string, AttributeValue>(Attributes ?? new Dictionary<string, AttributeValue>(), StringComparer.Ordinal)
        {
            [NewLandUseName] = NewLandUse,
            [GreenChannelName] = GreenChannel,
        },
    };

    /// <summary>This plan with <paramref name="document"/> on file, replacing any earlier document of the same kind.</summary>
    public PlanFacts WithDocument(PlanDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return this with { Documents = [.. Documents.Where(d => d.Kind != document.Kind), document] };
    }
}
