using System.Text.Json;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Screening.Kit;

namespace LandRedevelopment.Shared.Tests.Screening;

public class ScreeningEngineTests
{
    private static readonly PolicyDocument Policy = Kit.Policy(
        preconditions: [Named("ownership", All(Flag("ownershipClear"), Not(Flag("ownershipDisputed"))))],
        exemptions: [Named("whitelist", Flag("onExemptionWhitelist"))],
        exclusions: [Named("idle-land", Flag("isIdleLand"))],
        criteria: [Named("a", Flag("a")), Named("b", Flag("b"))]);

    private static ScreeningInput Clear(params (string, AttributeValue)[] more) =>
        Parcel(attributes: [("ownershipClear", true), ("ownershipDisputed", false), .. more]);

    [Fact]
    public void A_met_criterion_makes_a_candidate()
    {
        var result = ScreeningEngine.Screen(Policy, Clear(("a", false), ("b", true)));
        Assert.Equal(ScreeningOutcome.Candidate, result.Outcome);
        Assert.True(result.IsCandidate);
        Assert.Equal(["b"], result.DecidedBy);
    }

    [Fact]
    public void No_met_criterion_is_not_a_candidate()
    {
        var result = ScreeningEngine.Screen(Policy, Clear(("a", false), ("b", false)));
        Assert.Equal(ScreeningOutcome.NotCandidate, result.Outcome);
        Assert.False(result.IsCandidate);
        Assert.Empty(result.DecidedBy);
    }

    [Fact]
    public void A_failed_precondition_comes_first_and_everything_is_still_listed()
    {
        var result = ScreeningEngine.Screen(Policy, Clear(("a", true), ("onExemptionWhitelist", true), ("isIdleLand", true)).With("ownershipDisputed", true));
        Assert.Equal(ScreeningOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(["ownership"], result.DecidedBy);
        Assert.Single(result.Preconditions);
        Assert.True(result.Exemptions[0].Met);
        Assert.True(result.Exclusions[0].Met);
        Assert.Equal(2, result.Criteria.Count);
        Assert.True(result.Criteria[0].Met);
    }

    [Fact]
    public void An_unreported_precondition_fails()
    {
        var result = ScreeningEngine.Screen(Policy, Parcel(attributes: [("ownershipClear", true), ("a", true)]));
        Assert.Equal(ScreeningOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(["ownership"], result.DecidedBy);
        Assert.Equal("ownershipDisputed", result.MissingAttributes[0]);
        Assert.Equal("ownershipDisputed missing", result.Preconditions[0].Explanation);
    }

    [Fact]
    public void An_exemption_wins_over_exclusions_and_criteria()
    {
        var result = ScreeningEngine.Screen(Policy, Clear(("a", true), ("onExemptionWhitelist", true), ("isIdleLand", true)));
        Assert.Equal(ScreeningOutcome.Exempt, result.Outcome);
        Assert.Equal(["whitelist"], result.DecidedBy);
    }

    [Fact]
    public void An_exclusion_wins_over_criteria()
    {
        var result = ScreeningEngine.Screen(Policy, Clear(("a", true), ("isIdleLand", true)));
        Assert.Equal(ScreeningOutcome.Excluded, result.Outcome);
        Assert.Equal(["idle-land"], result.DecidedBy);
    }

    [Fact]
    public void Missing_attributes_are_gathered_for_the_field_team()
    {
        var result = ScreeningEngine.Screen(Policy, Clear(("a", true)));
        Assert.Equal(["onExemptionWhitelist", "isIdleLand", "b"], result.MissingAttributes);
        Assert.Equal(ScreeningOutcome.Candidate, result.Outcome);
    }

    [Fact]
    public void The_result_round_trips_through_json_as_plain_camel_case()
    {
        var policy = Kit.Policy(criteria: [Named("art4-5", Ratio(new RatioRule { Numerator = "floorAreaRatio", Denominator = "planFloorAreaRatioLowerLimit", Below = 0.6m }))]);
        var result = ScreeningEngine.Screen(policy, Parcel(parcelAreaM2: 1000m, attributes: [("floorAreaRatio", 0.85m), ("planFloorAreaRatioLowerLimit", 1.5m), ("declaredAreaM2", 1000m)]));

        foreach (var options in new[] { PolicyJson.Options, JsonSerializerOptions.Web })
        {
            var json = JsonSerializer.Serialize(result, options);
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            Assert.Equal("candidate", root.GetProperty("outcome").GetString());
            Assert.True(root.GetProperty("isCandidate").GetBoolean());
            var criterion = root.GetProperty("criteria")[0];
            Assert.Equal(0.85m, criterion.GetProperty("values").GetProperty("floorAreaRatio").GetDecimal());
            Assert.Equal("floorAreaRatio 0.85 < 0.6 × planFloorAreaRatioLowerLimit 1.5 = 0.90", criterion.GetProperty("explanation").GetString());

            var back = JsonSerializer.Deserialize<ScreeningResult>(json, options)!;
            Assert.Equal(result.Outcome, back.Outcome);
            Assert.Equal(result.Criteria[0].Values, back.Criteria[0].Values);
            Assert.Equal(result.Criteria[0].Explanation, back.Criteria[0].Explanation);
            Assert.Equal(result.AreaCheck, back.AreaCheck);
        }
    }

    [Fact]
    public void The_declared_area_is_checked_against_the_polygon_without_changing_the_outcome()
    {
        var policy = Kit.Policy(criteria: [Named("a", Flag("a"))]);

        var within = ScreeningEngine.Screen(policy, Parcel(parcelAreaM2: 1050m, attributes: [("declaredAreaM2", 1000m), ("a", true)])).AreaCheck!;
        var outside = ScreeningEngine.Screen(policy, Parcel(parcelAreaM2: 1050.01m, attributes: [("declaredAreaM2", 1000m), ("a", true)]));

        Assert.True(within.WithinTolerance); // exactly 5 %: not above the tolerance
        Assert.Equal(0.05m, within.RelativeDifference);
        Assert.False(outside.AreaCheck!.WithinTolerance);
        Assert.Equal(ScreeningOutcome.Candidate, outside.Outcome);
        Assert.Null(ScreeningEngine.Screen(policy, Parcel(attributes: ("a", true))).AreaCheck);
    }
}
