using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Screening.Kit;

namespace LandRedevelopment.Shared.Tests.Screening;

/// <summary>Named parcels that sit on the real thresholds of 克拉玛依市's 办法 (art. 10: 以上/以下 include the number, 低于/超过 exclude it).</summary>
public class KaramayParcelTests
{
    private static readonly PolicyDocument Policy = SeedPolicies.Get("karamay").Policy;

    /// <summary>In scope, ownership clear and undisputed, not whitelisted; no criterion reported.</summary>
    private static ScreeningInput Parcel(string landUse = "industrial", string surveyedOn = "2026-06-02") =>
        Kit.Parcel(landUse: landUse, surveyedOn: surveyedOn, district: "白碱滩区", attributes:
        [
            ("urbanStateOwnedStockConstructionLand", true),
            ("ownershipClear", true),
            ("ownershipDisputed", false),
            ("onExemptionWhitelist", false),
        ]);

    private static RuleOutcome Criterion(ScreeningResult result, string id) => result.Criteria.Single(c => c.Id == id);

    [Fact]
    public void Factory_idle_since_1_June_2025_is_a_candidate_once_the_year_has_run()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel(surveyedOn: "2026-06-02").With("idleSince", Day("2025-06-01")));

        Assert.Equal(ScreeningOutcome.Candidate, result.Outcome);
        Assert.Equal(["art4-2-idle-or-stopped"], result.DecidedBy);
        Assert.Contains("elapsed ≥ 1 year", Criterion(result, "art4-2-idle-or-stopped").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_idle_since_1_June_2025_is_not_yet_a_candidate_on_the_years_last_day()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel(surveyedOn: "2026-06-01").With("idleSince", Day("2025-06-01")));

        Assert.Equal(ScreeningOutcome.NotCandidate, result.Outcome);
        Assert.False(Criterion(result, "art4-2-idle-or-stopped").Met);
    }

    [Theory]
    [InlineData("public-administration-service")]
    [InlineData("transport")]
    [InlineData("utilities")]
    [InlineData("enterprise-office")]
    public void Idleness_counts_on_every_listed_land_use(string landUse)
    {
        var result = ScreeningEngine.Screen(Policy, Parcel(landUse).With("idleSince", Day("2025-06-01")));
        Assert.True(result.IsCandidate);
    }

    [Fact]
    public void Commercial_housing_idle_a_year_is_not_within_art_4_2()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel("commercial-housing").With("idleSince", Day("2025-06-01")));
        Assert.False(result.IsCandidate);
    }

    [Fact]
    public void Mine_depot_stopped_since_1_June_2024_is_a_candidate_once_two_years_have_run()
    {
        var stopped = Parcel("mining-warehousing").With("productionStoppedSince", Day("2024-06-01"));

        Assert.True(ScreeningEngine.Screen(Policy, stopped with { SurveyedOn = Day("2026-06-02") }).IsCandidate);
        Assert.False(ScreeningEngine.Screen(Policy, stopped with { SurveyedOn = Day("2026-06-01") }).IsCandidate);
    }

    [Fact]
    public void Factory_stopped_two_years_is_not_the_mining_and_warehousing_criterion()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel("industrial").With("productionStoppedSince", Day("2024-06-01")));

        Assert.Equal(ScreeningOutcome.NotCandidate, result.Outcome);
        var criterion = Criterion(result, "art4-2-idle-or-stopped");
        Assert.False(criterion.Met);
        Assert.Contains("landUse industrial not in [mining-warehousing]", criterion.Explanation, StringComparison.Ordinal);
    }

    private static ScreeningInput NonConforming(decimal floorAreaRatio, decimal planLowerLimit, decimal? industryLowerLimit)
    {
        var parcel = Parcel()
            .With("useNonConformingToPlan", true)
            .With("outOfKeepingWithNeighbourhood", true)
            .With("floorAreaRatio", floorAreaRatio)
            .With("planFloorAreaRatioLowerLimit", planLowerLimit);
        return industryLowerLimit is { } limit ? parcel.With("industryFloorAreaRatioLowerLimit", limit) : parcel;
    }

    [Fact]
    public void Far_exactly_60_percent_of_the_plan_lower_limit_is_not_low_efficiency()
    {
        var result = ScreeningEngine.Screen(Policy, NonConforming(0.90m, 1.5m, 1.2m));

        Assert.Equal(ScreeningOutcome.NotCandidate, result.Outcome);
        Assert.Contains("floorAreaRatio 0.90 not < 0.6 × planFloorAreaRatioLowerLimit 1.5 = 0.90", Criterion(result, "art4-5-nonconforming-low-far").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Far_just_below_60_percent_of_the_plan_lower_limit_is_low_efficiency()
    {
        var result = ScreeningEngine.Screen(Policy, NonConforming(0.89m, 1.5m, 1.2m));

        Assert.Equal(["art4-5-nonconforming-low-far"], result.DecidedBy);
        Assert.Equal(
            "useNonConformingToPlan is true; floorAreaRatio 0.89 < 0.6 × planFloorAreaRatioLowerLimit 1.5 = 0.90; outOfKeepingWithNeighbourhood is true",
            Criterion(result, "art4-5-nonconforming-low-far").Explanation);
    }

    [Fact]
    public void Far_below_60_percent_of_the_industry_lower_limit_alone_suffices()
    {
        Assert.True(ScreeningEngine.Screen(Policy, NonConforming(0.90m, 1.0m, 2.0m)).IsCandidate);
    }

    [Fact]
    public void Low_far_without_the_style_mismatch_is_not_art_4_5()
    {
        var parcel = NonConforming(0.5m, 1.5m, 1.2m).With("outOfKeepingWithNeighbourhood", false);
        Assert.False(ScreeningEngine.Screen(Policy, parcel).IsCandidate);
    }

    [Fact]
    public void Far_at_the_boundary_with_the_industry_limit_unreported_is_not_met_and_says_so()
    {
        var result = ScreeningEngine.Screen(Policy, NonConforming(0.90m, 1.5m, industryLowerLimit: null));
        Assert.False(result.IsCandidate);
        Assert.Contains("industryFloorAreaRatioLowerLimit", Criterion(result, "art4-5-nonconforming-low-far").Missing);
    }

    private static ScreeningInput LowRise(decimal storeys, decimal idleAreaM2) =>
        Parcel().With("mainStoreys", storeys).With("contiguousIdleAreaM2", idleAreaM2).With("declaredAreaM2", 10000m);

    [Fact]
    public void Three_storeys_with_idle_area_exactly_half_is_not_over_50_percent()
    {
        var result = ScreeningEngine.Screen(Policy, LowRise(3m, 5000m));
        Assert.Equal(ScreeningOutcome.NotCandidate, result.Outcome);
        Assert.Equal("contiguousIdleAreaM2 5000 not > 0.5 × declaredAreaM2 10000 = 5000.0", Criterion(result, "art4-6-low-rise-idle").Explanation);
    }

    [Fact]
    public void Three_storeys_with_idle_area_of_50_01_percent_is_a_candidate()
    {
        var result = ScreeningEngine.Screen(Policy, LowRise(3m, 5001m));
        Assert.Equal(["art4-6-low-rise-idle"], result.DecidedBy);
    }

    [Fact]
    public void Four_storeys_are_not_low_rise()
    {
        Assert.False(ScreeningEngine.Screen(Policy, LowRise(4m, 9000m)).IsCandidate);
    }

    [Fact]
    public void The_whitelist_wins_over_a_met_criterion()
    {
        var parcel = Parcel().With("idleSince", Day("2024-01-01")).With("onExemptionWhitelist", true);

        var result = ScreeningEngine.Screen(Policy, parcel);

        Assert.Equal(ScreeningOutcome.Exempt, result.Outcome);
        Assert.Equal(["art4-exemption-whitelist"], result.DecidedBy);
        Assert.True(Criterion(result, "art4-2-idle-or-stopped").Met);
    }

    [Fact]
    public void Disputed_ownership_fails_the_precondition()
    {
        var parcel = Parcel().With("idleSince", Day("2024-01-01")).With("ownershipDisputed", true);

        var result = ScreeningEngine.Screen(Policy, parcel);

        Assert.Equal(ScreeningOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(["art4-ownership"], result.DecidedBy);
        Assert.True(Criterion(result, "art4-2-idle-or-stopped").Met);
    }

    [Fact]
    public void Unreported_dispute_status_fails_the_precondition()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel().Without("ownershipDisputed").With("useCeased", true));
        Assert.Equal(ScreeningOutcome.PreconditionFailed, result.Outcome);
        Assert.Contains("ownershipDisputed", result.MissingAttributes);
    }

    [Theory]
    [InlineData("inRenewalArea", "art4-1-renewal-area")]
    [InlineData("useCeased", "art4-3-use-ceased")]
    [InlineData("prohibitedOrEliminatedIndustry", "art4-4-prohibited-industry")]
    [InlineData("compositeEvaluationLowEfficiency", "art4-7-composite-evaluation")]
    [InlineData("otherStatutoryCase", "art4-8-other-by-law")]
    public void Each_flag_criterion_makes_a_candidate(string flag, string criterion)
    {
        Assert.Equal([criterion], ScreeningEngine.Screen(Policy, Parcel().With(flag, true)).DecidedBy);
    }

    [Fact]
    public void The_art_6_chain_runs_district_bureau_district_government_city_bureau_district_bureau()
    {
        var chain = ReviewChainSelector.Select(Policy.Review.DeterminationChains, Parcel());

        Assert.Equal(
            ["district-bureau:白碱滩区", "district-government:白碱滩区", "city-bureau", "district-bureau:白碱滩区"],
            chain.Steps.Select(s => RoleResolver.Resolve(s.Role, "白碱滩区")));
        Assert.True(chain.Steps[^1].IssuesDecision);
    }

    [Fact]
    public void Deadlines_instalments_and_prices_follow_art_8()
    {
        Assert.Equal(6, Policy.Deadlines.PlanSubmission!.Period.Months);
        Assert.Equal(DeadlineStart.DeterminationServed, Policy.Deadlines.PlanSubmission.StartsAt);
        Assert.Equal(5, Policy.Deadlines.TransitionPeriod!.Period.Years);
        Assert.Equal(0.5m, Policy.Instalments.FirstPaymentAtLeast);
        Assert.Equal(2, Policy.Instalments.AllWithin!.Years);
        Assert.Equal(InstalmentStart.ContractEffective, Policy.Instalments.CountFrom);
        Assert.Equal("city-government", Policy.Instalments.ConsentOf);
        Assert.Contains(Policy.LandPrice.NoCharge, n => n.Id == "industrial-far-increase");
    }

    [Theory]
    [InlineData("2026-06-01", false)]
    [InlineData("2026-06-02", true)]
    public void Allocated_land_leased_out_five_years_is_reclaimed_from_the_day_after_the_fifth_year(string surveyedOn, bool met)
    {
        var rule = Policy.Reclamation.Single(r => r.Id == "art9-1-2-3-leased-out");
        var parcel = Parcel(surveyedOn: surveyedOn).With("allocatedLand", true).With("leasedOutSince", Day("2021-06-01"));
        Assert.Equal(met, ScreeningEngine.Evaluate(rule, parcel).Met);
    }

    [Fact]
    public void No_plan_six_months_after_service_is_a_reclamation_case_only_once_the_months_have_run()
    {
        var rule = Policy.Reclamation.Single(r => r.Id == "art9-1-2-4-no-redevelopment");
        var parcel = Parcel().With("allocatedLand", true).With("determinationServedOn", Day("2026-06-30")).With("redevelopmentPlanSubmittedInTime", false);

        Assert.False(ScreeningEngine.Evaluate(rule, parcel with { SurveyedOn = Day("2026-12-30") }).Met);
        Assert.True(ScreeningEngine.Evaluate(rule, parcel with { SurveyedOn = Day("2026-12-31") }).Met);
        Assert.False(ScreeningEngine.Evaluate(rule, parcel.Without("redevelopmentPlanSubmittedInTime") with { SurveyedOn = Day("2027-06-01") }).Met);
    }
}

public class UrumqiParcelTests
{
    private static readonly PolicyDocument Policy = SeedPolicies.Get("urumqi").Policy;

    private static ScreeningInput Parcel(string landUse = "industrial") =>
        Kit.Parcel(landUse: landUse, surveyedOn: "2026-03-01", district: "米东区", attributes:
        [
            ("urbanStockConstructionLand", true),
            ("ownershipClear", true),
            ("ownershipDisputed", false),
            ("isIdleLand", false),
        ]);

    [Fact]
    public void Idle_land_is_excluded_even_when_it_meets_a_criterion()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel().With("isIdleLand", true).With("failsSafetyOrEnvironmentalRules", true));

        Assert.Equal(ScreeningOutcome.Excluded, result.Outcome);
        Assert.Equal(["section2-idle-land"], result.DecidedBy);
        Assert.True(result.Criteria.Single(c => c.Id == "section2-safety-environment").Met);
    }

    [Fact]
    public void The_same_parcel_not_idle_is_a_candidate()
    {
        Assert.True(ScreeningEngine.Screen(Policy, Parcel().With("failsSafetyOrEnvironmentalRules", true)).IsCandidate);
    }

    [Theory]
    [InlineData("industrial", true)]
    [InlineData("logistics-warehousing", true)]
    [InlineData("commercial-services", false)]
    public void Park_land_clearly_below_the_regional_average_counts_for_industrial_and_warehouse_land(string landUse, bool candidate)
    {
        var parcel = Parcel(landUse).With("inIndustrialPark", true).With("clearlyBelowRegionalIndustryAverage", true);
        Assert.Equal(candidate, ScreeningEngine.Screen(Policy, parcel).IsCandidate);
    }

    [Theory]
    [InlineData("prohibitedRestrictedOrEliminatedIndustry")]
    [InlineData("plannedForRenewal")]
    [InlineData("scatteredLeftoverPlot")]
    [InlineData("scatteredExtensiveOrDilapidated")]
    public void Each_scope_category_makes_a_candidate(string flag)
    {
        Assert.True(ScreeningEngine.Screen(Policy, Parcel().With(flag, true)).IsCandidate);
    }

    [Fact]
    public void Prices_and_instalments_follow_items_8_and_11()
    {
        Assert.Equal([0.7m, 0.7m], Policy.LandPrice.Bases.Select(b => b.Share));
        Assert.Equal([PriceFormula.ShareOfNewAppraisal, PriceFormula.ShareOfAppraisalDifference], Policy.LandPrice.Bases.Select(b => b.Formula));
        Assert.Equal(6, Policy.LandPrice.NoCharge.Count);
        Assert.Equal(InstalmentStart.ContractSigned, Policy.Instalments.CountFrom);
        Assert.Equal(0.5m, Policy.Instalments.FirstPaymentAtLeast);
        Assert.Equal(2, Policy.Instalments.AllWithin!.Years);
        Assert.Equal(5, Policy.Deadlines.TransitionPeriod!.Period.Years);
    }
}

public class ZhongweiParcelTests
{
    private static readonly PolicyDocument Policy = SeedPolicies.Get("zhongwei").Policy;

    private static ScreeningInput Parcel(string landUse, string? zone) =>
        Kit.Parcel(landUse: landUse, zone: zone, surveyedOn: "2026-03-01", district: "沙坡头区", attributes:
        [
            ("stockConstructionLandWithinUrbanBoundary", true),
            ("ownershipClear", true),
            ("ownershipDisputed", false),
        ]);

    [Fact]
    public void Industrial_land_in_the_industrial_park_goes_to_the_park_committee()
    {
        var chain = ReviewChainSelector.Select(Policy.Review.DeterminationChains, Parcel("industrial", "zhongwei-industrial-park"));

        Assert.Equal("park-committee", chain.Id);
        Assert.Equal("park-committee:zhongwei-industrial-park", Assert.Single(chain.Steps).Role);
    }

    [Theory]
    [InlineData("commercial-services", "zhongwei-industrial-park")]
    [InlineData("industrial", null)]
    [InlineData("industrial", "elsewhere")]
    public void Other_land_goes_to_the_standard_chain(string landUse, string? zone)
    {
        Assert.Equal("standard", ReviewChainSelector.Select(Policy.Review.DeterminationChains, Parcel(landUse, zone)).Id);
    }

    [Theory]
    [InlineData("isIdleLand", "section1-idle-land")]
    [InlineData("historicalLandNotConformingToPlan", "section1-historical-nonconforming")]
    public void Idle_and_nonconforming_historical_land_are_excluded(string flag, string exclusion)
    {
        var result = ScreeningEngine.Screen(Policy, Parcel("industrial", null).With("plannedForRenewal", true).With(flag, true));
        Assert.Equal(ScreeningOutcome.Excluded, result.Outcome);
        Assert.Equal([exclusion], result.DecidedBy);
    }

    [Theory]
    [InlineData("industrial", "residential", true)]
    [InlineData("industrial", "public-administration-service", true)]
    [InlineData("residential", "residential", false)]
    [InlineData("industrial", "commercial-services", false)]
    public void A_change_of_use_to_housing_or_public_services_needs_the_soil_survey(string landUse, string newLandUse, bool gated)
    {
        var gate = Assert.Single(Policy.Review.PlanGates, g => g.Id == "soil-pollution-survey");
        var plan = Parcel(landUse, null).With("newLandUse", newLandUse);

        Assert.Equal(gated, ScreeningEngine.Holds(gate.When, plan, gate.Id));
        Assert.Equal(["city-ecology-environment-bureau", "city-bureau"], gate.ApprovedBy);
    }

    [Fact]
    public void The_plan_is_reviewed_by_the_city_bureau_and_approved_by_the_city_government()
    {
        var chain = ReviewChainSelector.Select(Policy.Review.PlanChains, Parcel("industrial", null));
        Assert.Equal(["city-bureau", "city-government"], chain.Steps.Select(s => s.Role));
    }

    [Fact]
    public void Instalments_are_20_percent_on_signing_a_further_50_within_a_month_the_rest_within_a_year()
    {
        var schedule = Policy.Instalments.FixedSchedule!;
        Assert.Equal(0.2m, schedule[0].Share);
        Assert.Equal(0, schedule[0].DueWithin.Days + schedule[0].DueWithin.Months);
        Assert.Equal(0.5m, schedule[1].Share);
        Assert.Equal(1, schedule[1].DueWithin.Months);
        Assert.True(schedule[2].Rest);
        Assert.Equal(1, schedule[2].DueWithin.Years);
        Assert.True(Policy.LandPrice.Bases.Single().SameValuationDate);
    }
}

public class JiamusiParcelTests
{
    private static readonly PolicyDocument Policy = SeedPolicies.Get("jiamusi").Policy;

    private static ScreeningInput Parcel(string district = "向阳区", string? zone = null) =>
        Kit.Parcel(landUse: "industrial", district: district, zone: zone, surveyedOn: "2026-03-01", attributes:
        [
            ("ownershipClear", true),
            ("ownershipDisputed", false),
            ("meetsCityLowEfficiencyStandard", true),
        ]);

    [Fact]
    public void A_green_channel_project_takes_the_short_plan_chain()
    {
        var chain = ReviewChainSelector.Select(Policy.Review.PlanChains, Parcel().With("greenChannel", true));

        Assert.Equal("green-channel", chain.Id);
        var standard = Policy.Review.PlanChains.Single(c => c.Id == "standard");
        Assert.True(chain.Steps.Count < standard.Steps.Count);
    }

    [Fact]
    public void Other_projects_take_the_standard_plan_chain()
    {
        Assert.Equal("standard", ReviewChainSelector.Select(Policy.Review.PlanChains, Parcel().With("greenChannel", false)).Id);
        Assert.Equal("standard", ReviewChainSelector.Select(Policy.Review.PlanChains, Parcel()).Id);
    }

    [Theory]
    [InlineData("向阳区", null, ScreeningOutcome.Candidate)]
    [InlineData("郊区", null, ScreeningOutcome.Candidate)]
    [InlineData("桦南县", "jiamusi-high-tech-zone", ScreeningOutcome.Candidate)]
    [InlineData("桦南县", "jiamusi-agricultural-high-tech-zone", ScreeningOutcome.Candidate)]
    [InlineData("桦南县", null, ScreeningOutcome.PreconditionFailed)]
    public void Only_the_four_districts_and_the_two_zones_are_in_the_pilot(string district, string? zone, ScreeningOutcome outcome)
    {
        Assert.Equal(outcome, ScreeningEngine.Screen(Policy, Parcel(district, zone)).Outcome);
    }

    [Fact]
    public void Instalments_are_left_to_the_contract()
    {
        Assert.True(Policy.Instalments.Allowed);
        Assert.True(Policy.Instalments.ContractTermsApply);
        Assert.Null(Policy.Instalments.FirstPaymentAtLeast);
        Assert.Null(Policy.Instalments.FixedSchedule);
    }
}
