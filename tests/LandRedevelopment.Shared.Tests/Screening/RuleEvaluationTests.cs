using System.Globalization;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Screening.Kit;

namespace LandRedevelopment.Shared.Tests.Screening;

public class RuleEvaluationTests
{
    private static decimal D(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);

    private static CompareRule CompareWith(string comparator, decimal threshold) => comparator switch
    {
        "atLeast" => new CompareRule { Attribute = "x", AtLeast = threshold },
        "atMost" => new CompareRule { Attribute = "x", AtMost = threshold },
        "below" => new CompareRule { Attribute = "x", Below = threshold },
        _ => new CompareRule { Attribute = "x", Over = threshold },
    };

    private static RatioRule RatioWith(string comparator, decimal share) => comparator switch
    {
        "atLeast" => new RatioRule { Numerator = "n", Denominator = "d", AtLeast = share },
        "atMost" => new RatioRule { Numerator = "n", Denominator = "d", AtMost = share },
        "below" => new RatioRule { Numerator = "n", Denominator = "d", Below = share },
        _ => new RatioRule { Numerator = "n", Denominator = "d", Over = share },
    };

    [Theory]
    // 以上 (≥) includes the number
    [InlineData("atLeast", "2.99", false)]
    [InlineData("atLeast", "3", true)]
    [InlineData("atLeast", "3.01", true)]
    // 以下 (≤) includes the number
    [InlineData("atMost", "2.99", true)]
    [InlineData("atMost", "3", true)]
    [InlineData("atMost", "3.01", false)]
    // 低于 (<) excludes it
    [InlineData("below", "2.99", true)]
    [InlineData("below", "3", false)]
    [InlineData("below", "3.01", false)]
    // 超过 (>) excludes it
    [InlineData("over", "2.99", false)]
    [InlineData("over", "3", false)]
    [InlineData("over", "3.01", true)]
    public void Compare_at_just_below_and_just_above_the_boundary(string comparator, string value, bool met)
    {
        var outcome = Eval(Compare(CompareWith(comparator, 3m)), Parcel(attributes: ("x", D(value))));
        Assert.Equal(met, outcome.Met);
        Assert.Equal(D(value), outcome.Values["x"].AsNumber());
    }

    [Theory]
    // threshold 0.6 × 1.5 = 0.90
    [InlineData("atLeast", "0.89", false)]
    [InlineData("atLeast", "0.90", true)]
    [InlineData("atLeast", "0.91", true)]
    [InlineData("atMost", "0.89", true)]
    [InlineData("atMost", "0.90", true)]
    [InlineData("atMost", "0.91", false)]
    [InlineData("below", "0.89", true)]
    [InlineData("below", "0.90", false)]
    [InlineData("below", "0.91", false)]
    [InlineData("over", "0.89", false)]
    [InlineData("over", "0.90", false)]
    [InlineData("over", "0.91", true)]
    public void Ratio_at_just_below_and_just_above_the_boundary(string comparator, string numerator, bool met)
    {
        var outcome = Eval(Ratio(RatioWith(comparator, 0.6m)), Parcel(attributes: [("n", D(numerator)), ("d", 1.5m)]));
        Assert.Equal(met, outcome.Met);
    }

    [Fact]
    public void Ratio_is_exact_where_binary_floating_point_is_not()
    {
        // In double, 0.1 × 3 = 0.30000000000000004 and 0.7 × 3 = 2.0999999999999996.
        Assert.False(Eval(Ratio(RatioWith("below", 0.1m)), Parcel(attributes: [("n", 0.3m), ("d", 3m)])).Met);
        Assert.True(Eval(Ratio(RatioWith("atMost", 0.7m)), Parcel(attributes: [("n", 2.1m), ("d", 3m)])).Met);
        Assert.True(Eval(Ratio(RatioWith("atLeast", 0.7m)), Parcel(attributes: [("n", 2.1m), ("d", 3m)])).Met);
    }

    [Fact]
    public void Ratio_explains_itself_with_the_product()
    {
        var rule = Ratio(new RatioRule { Numerator = "floorAreaRatio", Denominator = "planFloorAreaRatioLowerLimit", Below = 0.6m });

        var met = Eval(rule, Parcel(attributes: [("floorAreaRatio", 0.85m), ("planFloorAreaRatioLowerLimit", 1.5m)]));
        var boundary = Eval(rule, Parcel(attributes: [("floorAreaRatio", 0.90m), ("planFloorAreaRatioLowerLimit", 1.5m)]));

        Assert.Equal("floorAreaRatio 0.85 < 0.6 × planFloorAreaRatioLowerLimit 1.5 = 0.90", met.Explanation);
        Assert.Equal("floorAreaRatio 0.90 not < 0.6 × planFloorAreaRatioLowerLimit 1.5 = 0.90", boundary.Explanation);
        Assert.False(boundary.Met);
    }

    [Fact]
    public void Ratio_can_read_the_computed_parcel_area()
    {
        var rule = Ratio(new RatioRule { Numerator = "idle", Denominator = "parcelAreaM2", Over = 0.5m });

        var outcome = Eval(rule, Parcel(parcelAreaM2: 1000m, attributes: ("idle", 500.01m)));

        Assert.True(outcome.Met);
        Assert.Equal(1000m, outcome.Values["parcelAreaM2"].AsNumber());
        Assert.Contains("parcelAreaM2", Eval(rule, Parcel(attributes: ("idle", 1m))).Missing);
    }

    [Fact]
    public void Flag_reads_a_boolean()
    {
        Assert.True(Eval(Flag("f"), Parcel(attributes: ("f", true))).Met);
        var off = Eval(Flag("f"), Parcel(attributes: ("f", false)));
        Assert.False(off.Met);
        Assert.Equal("f is false", off.Explanation);
    }

    [Fact]
    public void LandUseIn_matches_the_code_exactly()
    {
        Assert.True(Eval(LandUseIn("industrial", "transport"), Parcel(landUse: "transport")).Met);
        var other = Eval(LandUseIn("industrial"), Parcel(landUse: "mining-warehousing"));
        Assert.False(other.Met);
        Assert.Equal("landUse mining-warehousing not in [industrial]", other.Explanation);
        Assert.False(Eval(LandUseIn("industrial"), Parcel(landUse: "Industrial")).Met);
    }

    [Fact]
    public void AttributeIn_reads_district_zone_and_string_attributes()
    {
        var parcel = Parcel(district: "向阳区", zone: "jiamusi-high-tech-zone", attributes: ("newLandUse", "residential"));

        Assert.True(Eval(In("district", "向阳区", "郊区"), parcel).Met);
        Assert.True(Eval(In("zone", "jiamusi-high-tech-zone"), parcel).Met);
        Assert.True(Eval(In("newLandUse", "residential"), parcel).Met);
        Assert.False(Eval(In("district", "前进区"), parcel).Met);
    }

    [Fact]
    public void A_parcel_without_a_zone_misses_it()
    {
        var outcome = Eval(In("zone", "zhongwei-industrial-park"), Parcel(zone: null));
        Assert.False(outcome.Met);
        Assert.Equal(["zone"], outcome.Missing);
    }

    [Fact]
    public void AllOf_needs_every_part_and_AnyOf_one()
    {
        var parcel = Parcel(attributes: [("a", true), ("b", false)]);
        Assert.False(Eval(All(Flag("a"), Flag("b")), parcel).Met);
        Assert.True(Eval(All(Flag("a"), Not(Flag("b"))), parcel).Met);
        Assert.True(Eval(Any(Flag("a"), Flag("b")), parcel).Met);
        Assert.False(Eval(Any(Flag("b"), Not(Flag("a"))), parcel).Met);
    }

    [Fact]
    public void Compound_explanations_name_only_the_deciding_parts()
    {
        var parcel = Parcel(attributes: [("a", true), ("b", false), ("c", true)]);

        Assert.Equal("b is false", Eval(All(Flag("a"), Flag("b"), Flag("c")), parcel).Explanation);
        Assert.Equal("a is true; c is true", Eval(Any(Flag("a"), Flag("b"), Flag("c")), parcel).Explanation);
        var nested = Parcel(attributes: [("a", true), ("c", true), ("d", true)]);
        Assert.Equal("a is true; (c is true; d is true)", Eval(All(Flag("a"), Any(Flag("c"), Flag("d"))), nested).Explanation);
        Assert.Equal("b missing", Eval(All(Flag("a"), Flag("b")), Parcel(attributes: ("a", true))).Explanation);
    }

    [Fact]
    public void A_missing_attribute_makes_a_leaf_not_met_and_is_listed()
    {
        var outcome = Eval(Compare(new CompareRule { Attribute = "mainStoreys", AtMost = 3m }), Parcel());
        Assert.False(outcome.Met);
        Assert.Equal(["mainStoreys"], outcome.Missing);
        Assert.Empty(outcome.Values);
        Assert.Equal("mainStoreys missing", outcome.Explanation);
    }

    [Fact]
    public void Not_over_a_missing_attribute_is_not_met()
    {
        // Unknown never counts for the parcel: silence is not "undisputed".
        var outcome = Eval(Not(Flag("ownershipDisputed")), Parcel());
        Assert.False(outcome.Met);
        Assert.Equal(["ownershipDisputed"], outcome.Missing);
        Assert.False(Eval(Not(Not(Flag("ownershipDisputed"))), Parcel()).Met);
    }

    [Fact]
    public void Missing_parts_follow_three_valued_logic()
    {
        var known = Parcel(attributes: [("yes", true), ("no", false)]);
        Assert.True(Eval(Any(Flag("yes"), Flag("absent")), known).Met);
        Assert.False(Eval(Any(Flag("no"), Flag("absent")), known).Met);
        Assert.False(Eval(All(Flag("yes"), Flag("absent")), known).Met);
        // allOf with a false part is false whatever is missing, so its negation holds.
        Assert.True(Eval(Not(All(Flag("no"), Flag("absent"))), known).Met);
        // anyOf with only false and missing parts is unknown, and so is its negation.
        Assert.False(Eval(Not(Any(Flag("no"), Flag("absent"))), known).Met);
    }

    [Fact]
    public void Every_branch_is_evaluated_so_values_and_missing_are_complete()
    {
        var outcome = Eval(Any(Flag("a"), Flag("b"), Flag("c")), Parcel(attributes: [("a", true), ("c", false)]));
        Assert.True(outcome.Met);
        Assert.Equal(["a", "c"], outcome.Values.Keys.Order());
        Assert.Equal(["b"], outcome.Missing);
    }

    [Fact]
    public void A_wrongly_typed_value_is_a_defect_not_a_verdict()
    {
        var error = Assert.Throws<ScreeningRuleException>(() => Eval(Flag("floorAreaRatio"), Parcel(attributes: ("floorAreaRatio", 0.8m))));
        Assert.Equal("r", error.RuleId);
        Assert.Contains("floorAreaRatio", error.Message, StringComparison.Ordinal);
        Assert.Contains("boolean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_must_set_exactly_one_member_and_one_comparator()
    {
        Assert.Throws<ScreeningRuleException>(() => Eval(new Rule(), Parcel()));
        Assert.Throws<ScreeningRuleException>(() => Eval(new Rule { Flag = "a", LandUseIn = ["industrial"] }, Parcel()));
        Assert.Throws<ScreeningRuleException>(() => Eval(Compare(new CompareRule { Attribute = "x", AtLeast = 1, Below = 2 }), Parcel(attributes: ("x", 1m))));
        Assert.Throws<ScreeningRuleException>(() => Eval(Compare(new CompareRule { Attribute = "x" }), Parcel(attributes: ("x", 1m))));
        Assert.Throws<ScreeningRuleException>(() => Eval(All(), Parcel()));
    }

    [Fact]
    public void An_attribute_may_not_shadow_the_parcels_own_fields()
    {
        Assert.Throws<ArgumentException>(() => Eval(In("district", "x"), Parcel(attributes: ("district", "x"))));
    }
}
