using System.Text.Json;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;

namespace LandRedevelopment.Shared.Tests.Screening;

public class SeedPolicyTests
{
    public static TheoryData<string> Tenants => new(SeedPolicies.All.Select(c => c.TenantId));

    private static string CityName(SeedCity city) => city.DisplayName.TrimEnd('市');

    private static IEnumerable<NamedRule> NamedRules(PolicyDocument policy) =>
        policy.Screening.Preconditions
            .Concat(policy.Screening.Exemptions)
            .Concat(policy.Screening.Exclusions)
            .Concat(policy.Screening.Criteria)
            .Concat(policy.Reclamation);

    /// <summary>Every condition of the policy with the id that names it in errors.</summary>
    private static IEnumerable<(string Id, Rule Rule)> Conditions(PolicyDocument policy) =>
        NamedRules(policy).Select(r => (r.Id, r.Rule))
            .Concat(policy.Review.DeterminationChains.Concat(policy.Review.PlanChains).Where(c => c.When is not null).Select(c => (c.Id, c.When!)))
            .Concat(policy.Review.PlanGates.Select(g => (g.Id, g.When)))
            .Concat(policy.Review.PlanConditions.Select(c => (c.Id, c.Rule)));

    private static IEnumerable<(string Name, AttributeType Type)> Reads(Rule rule)
    {
        IEnumerable<Rule> children = [.. rule.AllOf ?? [], .. rule.AnyOf ?? [], .. rule.Not is null ? [] : new[] { rule.Not }];
        foreach (var read in children.SelectMany(Reads))
        {
            yield return read;
        }

        if (rule.Flag is { } flag) yield return (flag, AttributeType.Boolean);
        if (rule.AttributeIn is { } attributeIn) yield return (attributeIn.Attribute, AttributeType.String);
        if (rule.Compare is { } compare) yield return (compare.Attribute, AttributeType.Number);
        if (rule.Ratio is { } ratio)
        {
            yield return (ratio.Numerator, AttributeType.Number);
            yield return (ratio.Denominator, AttributeType.Number);
        }

        if (rule.Duration is { } duration) yield return (duration.Since, AttributeType.Date);
    }

    private static IEnumerable<string> LandUseCodes(Rule rule) =>
        (rule.LandUseIn ?? [])
            .Concat((rule.AllOf ?? []).Concat(rule.AnyOf ?? []).SelectMany(LandUseCodes))
            .Concat(rule.Not is null ? [] : LandUseCodes(rule.Not));

    [Fact]
    public void The_four_cities_are_seeded_in_china_standard_time()
    {
        Assert.Equal(["karamay", "urumqi", "zhongwei", "jiamusi"], SeedPolicies.All.Select(c => c.TenantId));
        Assert.Equal(["克拉玛依市", "乌鲁木齐市", "中卫市", "佳木斯市"], SeedPolicies.All.Select(c => c.DisplayName));
        Assert.All(SeedPolicies.All, c => Assert.Equal("Asia/Shanghai", c.TimeZone));
        Assert.Equal("zhongwei", SeedPolicies.Get("zhongwei").TenantId);
        Assert.Throws<KeyNotFoundException>(() => SeedPolicies.Get("beijing"));
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void The_document_deserializes_strictly_and_round_trips(string tenant)
    {
        var city = SeedPolicies.Get(tenant);
        var policy = JsonSerializer.Deserialize<PolicyDocument>(city.Json, PolicyJson.Options)!;

        var again = JsonSerializer.Serialize(JsonSerializer.Deserialize<PolicyDocument>(JsonSerializer.Serialize(policy, PolicyJson.Options), PolicyJson.Options), PolicyJson.Options);

        Assert.Equal(JsonSerializer.Serialize(policy, PolicyJson.Options), again);
        Assert.Equal(1, policy.SchemaVersion);
        Assert.Equal(city.DisplayName, policy.Jurisdiction);
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void The_document_cites_its_sources_with_their_status(string tenant)
    {
        var city = SeedPolicies.Get(tenant);
        var own = Assert.Single(city.Policy.Sources, s => s.Id == CityName(city));
        Assert.Contains(CityName(city), own.Title, StringComparison.Ordinal);
        var expected = tenant switch
        {
            "karamay" => SourceStatus.InForce,
            "jiamusi" => SourceStatus.Pilot,
            _ => SourceStatus.DraftForComment,
        };
        Assert.Equal(expected, own.Status);
    }

    [Fact]
    public void Karamay_is_in_force_from_20_May_2026_for_five_years()
    {
        var source = SeedPolicies.Get("karamay").Policy.Sources[0];
        Assert.Equal(new DateOnly(2026, 4, 14), source.Issued);
        Assert.Equal(new DateOnly(2026, 5, 20), source.InForce);
        Assert.Equal(new DateOnly(2031, 5, 19), source.ValidUntil);
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Every_rule_chain_step_and_price_rule_cites_an_article_of_its_city(string tenant)
    {
        var city = SeedPolicies.Get(tenant);
        var policy = city.Policy;
        var chains = policy.Review.DeterminationChains.Concat(policy.Review.PlanChains).ToList();
        IEnumerable<(string What, string? Source)> cited =
        [
            .. NamedRules(policy).Select(r => ($"rule {r.Id}", (string?)r.Source)),
            .. chains.Select(c => ($"chain {c.Id}", (string?)c.Source)),
            .. chains.SelectMany(c => c.Steps).Select(s => ($"step {s.Id}", (string?)s.Source)),
            .. chains.SelectMany(c => c.Steps).Select(s => ($"time limit of {s.Id}", s.TimeLimit.Source)),
            .. policy.Review.PlanGates.Select(g => ($"gate {g.Id}", (string?)g.Source)),
            .. policy.Review.PlanConditions.Select(c => ($"plan condition {c.Id}", (string?)c.Source)),
            ("escalation", policy.Review.Escalation.Source),
            .. policy.LandPrice.Bases.Select(b => ($"price basis {b.Id}", (string?)b.Source)),
            .. policy.LandPrice.NoCharge.Select(n => ($"no-charge case {n.Id}", (string?)n.Source)),
            ("instalments", policy.Instalments.Source),
            .. new[] { policy.Deadlines.PlanSubmission, policy.Deadlines.TransitionPeriod }.OfType<Deadline>().Select(d => ($"deadline {d.StartsAt}", (string?)d.Source)),
        ];

        Assert.All(cited, c => Assert.True(c.Source?.Contains(CityName(city), StringComparison.Ordinal) == true, $"{c.What} does not cite {CityName(city)}: {c.Source}"));
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Ids_are_unique(string tenant)
    {
        var policy = SeedPolicies.Get(tenant).Policy;
        IEnumerable<IEnumerable<string>> lists =
        [
            NamedRules(policy).Select(r => r.Id),
            policy.Review.DeterminationChains.Select(c => c.Id),
            policy.Review.PlanChains.Select(c => c.Id),
            policy.Review.PlanGates.Select(g => g.Id),
            policy.Review.PlanConditions.Select(c => c.Id),
            .. policy.Review.DeterminationChains.Concat(policy.Review.PlanChains).Select(c => c.Steps.Select(s => s.Id)),
            policy.LandPrice.Bases.Select(b => b.Id),
            policy.LandPrice.NoCharge.Select(n => n.Id),
            policy.Attributes.Concat(policy.Review.PlanAttributes).Select(a => a.Name),
            policy.LandUses.Select(l => l.Code),
        ];

        Assert.All(lists, ids => Assert.Equal(ids.Count(), ids.Distinct(StringComparer.Ordinal).Count()));
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Every_attribute_a_rule_reads_is_declared_with_that_type_and_a_chinese_description(string tenant)
    {
        var policy = SeedPolicies.Get(tenant).Policy;
        // Plan gates, chains and conditions also read the plan's own facts.
        var declared = policy.Attributes.Concat(policy.Review.PlanAttributes).ToDictionary(a => a.Name, a => a.Type);
        declared["landUse"] = AttributeType.String;
        declared["district"] = AttributeType.String;
        declared["zone"] = AttributeType.String;
        declared["surveyedOn"] = AttributeType.Date;
        declared["parcelAreaM2"] = AttributeType.Number;
        var codes = policy.LandUses.Select(l => l.Code).ToHashSet();

        foreach (var (id, rule) in Conditions(policy))
        {
            Assert.All(Reads(rule), read =>
            {
                Assert.True(declared.TryGetValue(read.Name, out var type), $"{id} reads undeclared '{read.Name}'");
                Assert.True(type == read.Type, $"{id} reads '{read.Name}' as {read.Type}, declared {type}");
            });
            Assert.All(LandUseCodes(rule), code => Assert.True(codes.Contains(code), $"{id} names undeclared land use '{code}'"));
        }

        Assert.All(policy.Attributes.Concat(policy.Review.PlanAttributes), a => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", a.Description));
        Assert.All(policy.Attributes.Concat(policy.Review.PlanAttributes), a => Assert.Matches("^[a-z][a-zA-Z0-9]*$", a.Name));
        Assert.DoesNotContain(policy.Attributes.Concat(policy.Review.PlanAttributes), a => ScreeningInput.ReservedNames.Contains(a.Name));
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Every_condition_evaluates_on_an_empty_and_on_a_full_survey(string tenant)
    {
        var policy = SeedPolicies.Get(tenant).Policy;
        var full = policy.Attributes.ToDictionary(a => a.Name, a => a.Type switch
        {
            AttributeType.Boolean => AttributeValue.Of(true),
            AttributeType.Number => AttributeValue.Of(1m),
            AttributeType.Date => AttributeValue.Of(new DateOnly(2020, 1, 1)),
            _ => AttributeValue.Of(policy.LandUses[0].Code),
        });

        foreach (var input in new[]
        {
            new ScreeningInput { LandUse = "industrial", District = "d", SurveyedOn = new DateOnly(2026, 6, 1) },
            new ScreeningInput { LandUse = "industrial", District = "d", Zone = "z", ParcelAreaM2 = 1m, SurveyedOn = new DateOnly(2026, 6, 1), Attributes = full },
        })
        {
            ScreeningEngine.Screen(policy, input);
            Assert.All(Conditions(policy), c => ScreeningEngine.Holds(c.Rule, input, c.Id));
            Assert.NotNull(ReviewChainSelector.Select(policy.Review.DeterminationChains, input));
            if (policy.Review.PlanChains.Count > 0)
            {
                Assert.NotNull(ReviewChainSelector.Select(policy.Review.PlanChains, input));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Chains_end_with_a_default_and_their_last_step_issues_the_decision(string tenant)
    {
        var review = SeedPolicies.Get(tenant).Policy.Review;
        Assert.NotEmpty(review.PlanChains);
        foreach (var chains in new[] { review.DeterminationChains, review.PlanChains })
        {
            Assert.Null(chains[^1].When);
            Assert.All(chains, c =>
            {
                Assert.True(c.Steps[^1].IssuesDecision, $"{c.Id}: last step must issue the decision");
                Assert.Single(c.Steps, s => s.IssuesDecision);
                Assert.All(c.Steps, s => RoleResolver.Resolve(s.Role, "某区"));
            });
        }
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void No_seed_fixes_a_review_time_limit_so_every_one_is_a_marked_default(string tenant)
    {
        var review = SeedPolicies.Get(tenant).Policy.Review;
        var limits = review.DeterminationChains.Concat(review.PlanChains).SelectMany(c => c.Steps).Select(s => s.TimeLimit);
        Assert.All(limits, l =>
        {
            Assert.True(l.IsDefault);
            Assert.Contains("default", l.Source, StringComparison.Ordinal);
            Assert.True(l.Period.WorkingDays > 0);
        });
    }
}

public class SeedPolicyValidationTests
{
    public static TheoryData<string> Cities => new(LandRedevelopment.Policies.SeedPolicies.All.Select(c => c.TenantId));

    [Theory]
    [MemberData(nameof(Cities))]
    public void Every_built_in_policy_passes_the_schema_and_the_semantic_checks(string tenantId)
    {
        var city = LandRedevelopment.Policies.SeedPolicies.Get(tenantId);

        var result = LandRedevelopment.Policies.PolicyValidator.Validate(city.Json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
    }

    [Fact]
    public void The_four_seed_cities_are_built_in()
    {
        Assert.Equal(["jiamusi", "karamay", "urumqi", "zhongwei"], LandRedevelopment.Policies.SeedPolicies.All.Select(c => c.TenantId).Order().ToArray());
    }
}
