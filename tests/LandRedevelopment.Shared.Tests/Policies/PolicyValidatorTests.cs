using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Shared.Tests.Policies;

public class PolicyValidatorTests
{
    private const string RuleMembers = "must have exactly one of: allOf, anyOf, not, flag, landUseIn, attributeIn, compare, ratio, duration";
    private const string Comparators = "must have exactly one of: atLeast, atMost, below, over";

    [Fact]
    public void The_sample_policy_is_valid_and_is_read_into_the_model()
    {
        var result = PolicyValidator.Validate(SamplePolicy.Json);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        var policy = Assert.IsType<PolicyDocument>(result.Policy);
        Assert.Equal("示例市", policy.Jurisdiction);
        Assert.Equal(5, policy.Screening.Criteria.Count);
        Assert.Equal(0.5m, policy.Screening.Criteria[0].Rule.AllOf![1].Ratio!.Below);
        Assert.Equal(2, policy.Screening.Criteria[1].Rule.Duration!.AtLeast!.Years);
        Assert.Equal(new DateOnly(2024, 3, 1), policy.Sources[0].Issued);
        Assert.True(policy.Instalments.FixedSchedule![2].Rest);
    }

    [Fact]
    public void The_policy_round_trips_and_what_the_serializer_writes_is_valid()
    {
        var policy = PolicyValidator.Validate(SamplePolicy.Json).Policy!;

        var written = JsonSerializer.SerializeToElement(policy, PolicyJson.Options);
        var again = PolicyValidator.Validate(written);

        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.True(JsonElement.DeepEquals(written, JsonSerializer.SerializeToElement(again.Policy!, PolicyJson.Options)));

        // Every member the sample gives survives the trip (the written form adds defaults, never drops anything).
        AssertContains(JsonNode.Parse(SamplePolicy.Json)!, JsonSerializer.SerializeToNode(again.Policy!, PolicyJson.Options)!, "$");
    }

    [Fact]
    public void Text_that_is_not_JSON_is_one_error_at_the_root()
    {
        var result = PolicyValidator.Validate("{ \"name\": ");

        result.SingleError("$", "is not valid JSON");
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_refused_at_the_root()
    {
        PolicyValidator.Validate("[]").SingleError("$", "must be an object");
    }

    // ---- Structure (the schema) ----

    [Fact]
    public void A_number_given_as_a_string_is_an_error()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("landPrice.bases[0]")["share"] = "0.7");

        result.SingleError("$.landPrice.bases[0].share", "must be a number");
    }

    [Fact]
    public void A_fraction_where_an_integer_is_needed_is_an_error()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("evidence")["maxFiles"] = 1.5);

        result.SingleError("$.evidence.maxFiles", "must be an integer");
    }

    [Fact]
    public void Null_is_not_a_value_an_optional_member_is_left_out()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments")["consentOf"] = null);

        result.SingleError("$.instalments.consentOf", "must be a string");
    }

    [Fact]
    public void A_missing_required_member_is_reported_at_its_own_path()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[3]").AsObject().Remove("source"));

        result.SingleError("$.screening.criteria[3].source", "is required");
    }

    [Fact]
    public void An_unknown_member_deep_inside_is_reported_with_its_path()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[2].rule.anyOf[0].compare")["threshold"] = 3);

        result.SingleError("$.screening.criteria[2].rule.anyOf[0].compare.threshold", "is not allowed (unknown member)");
    }

    [Fact]
    public void An_unknown_member_with_an_odd_name_gets_a_bracketed_path()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("survey")["max vertices"] = 3);

        result.SingleError("$.survey['max vertices']", "is not allowed (unknown member)");
    }

    [Fact]
    public void A_wrong_enum_value_lists_the_allowed_ones()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("landPrice.bases[1]")["formula"] = "shareOfAppraisal");

        result.SingleError("$.landPrice.bases[1].formula", "must be one of: shareOfNewAppraisal, shareOfAppraisalDifference, shareOfPostedPrice");
    }

    [Fact]
    public void Enum_values_are_camelCase_so_the_CLR_spelling_is_wrong()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines.planSubmission")["startsAt"] = "DeterminationServed");

        result.SingleError("$.deadlines.planSubmission.startsAt", "must be one of: determinationServed, planApproved");
    }

    [Theory]
    [InlineData("2024/03/01")]
    [InlineData("2024-3-1")]
    [InlineData("2024-02-30")]
    [InlineData("2024-03-01T00:00:00")]
    public void A_date_not_in_yyyy_MM_dd_is_an_error(string date)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("sources[0]")["issued"] = date);

        result.SingleError("$.sources[0].issued", "must be a date in the form yyyy-MM-dd");
    }

    [Fact]
    public void A_rule_with_two_members_says_which_one_of_all_it_must_have()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[0].rule")["flag"] = "planCompliant");

        var error = result.SingleError("$.screening.criteria[0].rule", RuleMembers);
        Assert.EndsWith("(has 2: allOf, flag)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_rule_deep_in_a_rule_is_an_error()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[0].rule.allOf")[0] = new JsonObject());

        var error = result.SingleError("$.screening.criteria[0].rule.allOf[0]", RuleMembers);
        Assert.EndsWith("(has none)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("screening.criteria[2].rule.anyOf[0].compare", "atLeast", 5)]
    [InlineData("screening.criteria[0].rule.allOf[1].ratio", "over", 0.1)]
    public void A_comparison_with_two_comparators_is_an_error(string at, string extra, double value)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At(at)[extra] = value);

        result.SingleError("$." + at, Comparators);
    }

    [Fact]
    public void A_duration_without_a_comparator_is_an_error()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[1].rule.duration").AsObject().Remove("atLeast"));

        result.SingleError("$.screening.criteria[1].rule.duration", Comparators + " (has none)");
    }

    [Theory]
    [InlineData("landPrice.bases[0]", "share", 0, "must be greater than 0")]
    [InlineData("landPrice.bases[0]", "share", 1.5, "must be at most 1")]
    [InlineData("instalments.fixedSchedule[0]", "share", -0.2, "must be greater than 0")]
    [InlineData("instalments", "firstPaymentAtLeast", 1.01, "must be at most 1")]
    [InlineData("survey", "declaredAreaTolerance", -0.01, "must be at least 0")]
    [InlineData("survey", "maxVertices", 2, "must be at least 3")]
    [InlineData("evidence", "maxFiles", -1, "must be at least 0")]
    [InlineData("evidence", "maxFiles", 81, "must be at most 80")]
    public void Numbers_out_of_their_bounds_are_errors(string at, string member, double value, string message)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At(at)[member] = value);

        // Some bounds are also semantic checks; the schema reports them first, and alone.
        result.SingleError($"$.{at}.{member}", message);
    }

    [Theory]
    [InlineData("landUses[0]", "code", "Industrial")]
    [InlineData("screening.criteria[0]", "id", "art 4(1)")]
    [InlineData("review.determinationChains[1]", "id", "Standard")]
    [InlineData("landPrice.noCharge[0]", "id", "-leading-hyphen")]
    public void Codes_and_ids_are_lower_case_letters_digits_and_hyphens(string at, string member, string value)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At(at)[member] = value);

        result.SingleError($"$.{at}.{member}", "must match the pattern ^[a-z0-9][a-z0-9-]*$");
    }

    [Fact]
    public void A_trailing_newline_does_not_slip_past_a_pattern()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("landUses[1]")["code"] = "commercial\n");

        result.SingleError("$.landUses[1].code", "must match the pattern");
    }

    [Fact]
    public void The_schema_version_is_1()
    {
        var result = SamplePolicy.ValidateEdited(d => d["schemaVersion"] = 2);

        result.SingleError("$.schemaVersion", "must be 1");
    }

    [Fact]
    public void An_empty_string_is_an_error()
    {
        var result = SamplePolicy.ValidateEdited(d => d["name"] = "");

        result.SingleError("$.name", "must not be empty");
    }

    [Theory]
    [InlineData("screening", "criteria")]
    [InlineData("review.determinationChains[1]", "steps")]
    [InlineData("screening.criteria[0].rule", "allOf")]
    public void Lists_that_need_an_item_are_errors_when_empty(string at, string member)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At(at)[member] = new JsonArray());

        result.SingleError($"$.{at}.{member}", "must have at least 1 item");
    }

    [Fact]
    public void Many_structural_errors_are_all_reported_in_document_order()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            d["schemaVersion"] = "1";
            d.At("landUses[0]").AsObject().Remove("name");
            d.At("attributes[0]")["type"] = "bool";
            d.At("screening.criteria[2].rule.anyOf[1].compare")["unit"] = "m2";
            d.At("review.determinationChains[1].steps[0].timeLimit.period")["days"] = "15";
            d.At("landPrice.bases[0]")["share"] = 7;
            d["extra"] = true;
        });

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "$.schemaVersion: must be an integer",
                "$.landUses[0].name: is required",
                "$.attributes[0].type: must be one of: boolean, number, date, string",
                "$.screening.criteria[2].rule.anyOf[1].compare.unit: is not allowed (unknown member)",
                "$.review.determinationChains[1].steps[0].timeLimit.period.days: must be an integer",
                "$.landPrice.bases[0].share: must be at most 1",
                "$.extra: is not allowed (unknown member)",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_value_the_schema_allows_but_the_reader_cannot_hold_is_still_an_error_with_its_path()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("survey")["maxVertices"] = 3_000_000_000L);

        result.SingleError("$.survey.maxVertices", "cannot be read");
    }

    // ---- Semantics ----

    [Theory]
    [InlineData("sources", "id")]
    [InlineData("landUses", "code")]
    [InlineData("attributes", "name")]
    [InlineData("screening.preconditions", "id")]
    [InlineData("screening.exemptions", "id")]
    [InlineData("screening.exclusions", "id")]
    [InlineData("screening.criteria", "id")]
    [InlineData("review.planGates", "id")]
    [InlineData("landPrice.bases", "id")]
    [InlineData("landPrice.noCharge", "id")]
    public void Ids_are_unique_within_each_list(string list, string member)
    {
        // A copy of the first item at the end: nothing else changes, so the duplicate is the only error.
        var count = 0;
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var items = d.At(list).AsArray();
            count = items.Count;
            items.Add(items[0]!.DeepClone());
        });

        result.SingleError($"$.{list}[{count}].{member}", "must be unique within");
    }

    [Theory]
    [InlineData("review.determinationChains")]
    [InlineData("review.determinationChains[1].steps")]
    public void Chain_and_step_ids_are_unique_within_their_list(string list)
    {
        // Order matters in these lists (the default chain, the deciding step), so the second is renamed instead.
        var result = SamplePolicy.ValidateEdited(d => d.At($"{list}[1]")["id"] = d.At($"{list}[0].id").GetValue<string>());

        result.SingleError($"$.{list}[1].id", "must be unique within");
    }

    [Fact]
    public void The_same_id_in_different_lists_is_fine()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.exclusions[0]")["id"] = "ownership-clear");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void An_attribute_a_rule_names_must_be_defined()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[2].rule.anyOf[0].compare")["attribute"] = "outputPerHectare");

        result.SingleError("$.screening.criteria[2].rule.anyOf[0].compare.attribute", "'outputPerHectare' is not defined in attributes (compare needs a number attribute)");
    }

    [Theory]
    [InlineData("screening.preconditions[0].rule.flag", "floorAreaRatio", "'floorAreaRatio' is a number attribute; flag needs a boolean attribute")]
    [InlineData("screening.criteria[2].rule.anyOf[0].compare.attribute", "idleSince", "'idleSince' is a date attribute; compare needs a number attribute")]
    [InlineData("screening.criteria[0].rule.allOf[1].ratio.numerator", "planCompliant", "'planCompliant' is a boolean attribute; ratio needs a number attribute")]
    [InlineData("screening.criteria[0].rule.allOf[1].ratio.denominator", "zone", "'zone' is a string attribute; ratio needs a number attribute")]
    [InlineData("screening.criteria[1].rule.duration.since", "outputPerMu", "'outputPerMu' is a number attribute; duration needs a date attribute")]
    [InlineData("screening.criteria[3].rule.attributeIn.attribute", "parcelAreaM2", "'parcelAreaM2' is a number attribute; attributeIn needs a string attribute")]
    [InlineData("review.determinationChains[0].when.attributeIn.attribute", "heritageListed", "'heritageListed' is a boolean attribute; attributeIn needs a string attribute")]
    public void An_attribute_must_have_the_type_its_rule_needs(string at, string attribute, string message)
    {
        var dot = at.LastIndexOf('.');
        var result = SamplePolicy.ValidateEdited(d => d.At(at[..dot])[at[(dot + 1)..]] = attribute);

        result.SingleError("$." + at, message);
    }

    [Fact]
    public void The_parcels_own_fields_cannot_be_defined_as_attributes()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("attributes[7]")["name"] = "district");

        // industryCategory is gone with it, so its rule fails too: both are reported.
        Assert.Equal(
            [
                "$.attributes[7].name: 'district' is a field of the parcel itself (district, zone, parcelAreaM2), always available to rules; it must not be defined as an attribute",
                "$.screening.criteria[3].rule.attributeIn.attribute: 'industryCategory' is not defined in attributes (attributeIn needs a string attribute)",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Plan_attributes_are_read_by_plan_chains_and_gates_only_and_need_names_of_their_own()
    {
        static void AddPlanAttribute(JsonObject d, string name) =>
            ((JsonObject)d.At("review"))["planAttributes"] = new JsonArray(
                new JsonObject { ["name"] = name, ["type"] = "boolean", ["description"] = "原土地使用权人实施" },
                new JsonObject { ["name"] = "involvesExpropriation", ["type"] = "boolean", ["description"] = "涉及征收" });

        static void AddPlanChains(JsonObject d)
        {
            var steps = d.At("review.determinationChains[1].steps");
            ((JsonObject)d.At("review"))["planChains"] = new JsonArray(
                new JsonObject { ["id"] = "own", ["name"] = "自行改造", ["source"] = "示例市 art. 11", ["when"] = JsonNode.Parse("""{ "flag": "byOriginalLandUser" }"""), ["steps"] = steps.DeepClone() },
                new JsonObject { ["id"] = "standard", ["name"] = "他人改造", ["source"] = "示例市 art. 11", ["steps"] = steps.DeepClone() });
        }

        var valid = SamplePolicy.ValidateEdited(d =>
        {
            AddPlanAttribute(d, "byOriginalLandUser");
            AddPlanChains(d);
            d.At("review.planGates[1]")["when"] = JsonNode.Parse("""{ "not": { "flag": "byOriginalLandUser" } }""");
        });
        Assert.True(valid.IsValid, string.Join("\n", valid.Errors));

        // Without the plan attribute the chain reads an unknown fact; and a survey's rule never reads a plan's.
        SamplePolicy.ValidateEdited(AddPlanChains)
            .SingleError("$.review.planChains[0].when.flag", "'byOriginalLandUser' is not defined in attributes");
        SamplePolicy.ValidateEdited(d =>
        {
            AddPlanAttribute(d, "byOriginalLandUser");
            d.At("screening.criteria[0]")["rule"] = JsonNode.Parse("""{ "flag": "byOriginalLandUser" }""");
        }).SingleError("$.screening.criteria[0].rule.flag", "'byOriginalLandUser' is not defined in attributes");

        foreach (var taken in new[] { "newLandUse", "greenChannel", "district", "industryCategory" })
        {
            var result = SamplePolicy.ValidateEdited(d => AddPlanAttribute(d, taken));
            Assert.Contains(result.Errors, e => e.Path == "$.review.planAttributes[0].name" && e.Message.Contains("a name of its own", StringComparison.Ordinal));
        }

        SamplePolicy.ValidateEdited(d => AddPlanAttribute(d, "involvesExpropriation"))
            .SingleError("$.review.planAttributes[1].name", "must be unique within");
    }

    [Fact]
    public void Plan_conditions_have_unique_ids_say_whether_they_are_strict_and_read_the_plans_facts_with_their_types()
    {
        static void AddConditions(JsonObject d, Action<JsonArray> change)
        {
            var review = (JsonObject)d.At("review");
            review["planAttributes"] = new JsonArray(
                new JsonObject { ["name"] = "projectAreaM2", ["type"] = "number", ["unit"] = "m²", ["description"] = "项目总面积" },
                new JsonObject { ["name"] = "scatteredPlotsAreaM2", ["type"] = "number", ["unit"] = "m²", ["description"] = "零星用地累计面积" });
            var conditions = new JsonArray(
                JsonNode.Parse("""
                    { "id": "scattered-share", "description": "零星用地累计面积不超过项目总面积的10%", "source": "示例市 art. 13", "strict": true,
                      "rule": { "ratio": { "numerator": "scatteredPlotsAreaM2", "denominator": "projectAreaM2", "atMost": 0.1 } } }
                    """),
                JsonNode.Parse("""
                    { "id": "small-industrial-parcel", "description": "原则上不超过5公顷", "source": "示例市 art. 13", "strict": false,
                      "rule": { "allOf": [
                        { "compare": { "attribute": "parcelAreaM2", "atMost": 50000 } },
                        { "attributeIn": { "attribute": "newLandUse", "values": ["industrial"] } },
                        { "not": { "flag": "greenChannel" } } ] } }
                    """));
            review["planConditions"] = conditions;
            change(conditions);
        }

        // The plan's attributes, newLandUse, greenChannel and the parcel's own fields are what a condition reads.
        var valid = SamplePolicy.ValidateEdited(d => AddConditions(d, _ => { }));
        Assert.True(valid.IsValid, string.Join("\n", valid.Errors));
        Assert.Equal([true, false], valid.Policy!.Review.PlanConditions.Select(c => c.Strict));

        SamplePolicy.ValidateEdited(d => AddConditions(d, c => c[1]!["id"] = "scattered-share"))
            .SingleError("$.review.planConditions[1].id", "'scattered-share' is already the id of planConditions[0]: each id must be unique within planConditions");

        // A survey attribute is not among the facts a plan condition reads; an undefined name neither.
        SamplePolicy.ValidateEdited(d => AddConditions(d, c => c[0]!.At("rule.ratio")["numerator"] = "outputPerMu"))
            .SingleError("$.review.planConditions[0].rule.ratio.numerator", "'outputPerMu' is not a fact of the plan (review.planAttributes, newLandUse, greenChannel) or of the parcel (district, zone, parcelAreaM2) (ratio needs a number attribute)");
        SamplePolicy.ValidateEdited(d => AddConditions(d, c => c[0]!.At("rule.ratio")["denominator"] = "projectArea"))
            .SingleError("$.review.planConditions[0].rule.ratio.denominator", "'projectArea' is not a fact of the plan");

        SamplePolicy.ValidateEdited(d => AddConditions(d, c => c[1]!.At("rule.allOf[2].not")["flag"] = "projectAreaM2"))
            .SingleError("$.review.planConditions[1].rule.allOf[2].not.flag", "'projectAreaM2' is a number attribute; flag needs a boolean attribute");
        SamplePolicy.ValidateEdited(d => AddConditions(d, c => c[1]!.At("rule.allOf[1].attributeIn")["attribute"] = "greenChannel"))
            .SingleError("$.review.planConditions[1].rule.allOf[1].attributeIn.attribute", "'greenChannel' is a boolean attribute; attributeIn needs a string attribute");

        // Whether a breach refuses the plan or is recorded with it is the source's to say: it is never left to a default.
        SamplePolicy.ValidateEdited(d => AddConditions(d, c => c[0]!.AsObject().Remove("strict")))
            .SingleError("$.review.planConditions[0].strict", "is required");
    }

    [Fact]
    public void A_plan_gate_reads_the_plans_facts_which_are_not_survey_attributes()
    {
        // newLandUse is a fact of the plan: the sample's gate uses it, and is valid; its land-use codes are checked.
        var result = SamplePolicy.ValidateEdited(d => d.At("review.planGates[1].when.landUseIn")[0] = "farmland");

        result.SingleError("$.review.planGates[1].when.landUseIn[0]", "'farmland' is not a land-use code defined in landUses");
    }

    [Fact]
    public void A_plan_gate_naming_a_fact_no_plan_states_is_refused_rather_than_never_applying()
    {
        // A typo, and a survey attribute (gates are judged on the plan's facts, which do not carry the survey's).
        SamplePolicy.ValidateEdited(d => d.At("review.planGates[1]")["when"] = JsonNode.Parse("""{ "attributeIn": { "attribute": "newLandUze", "values": ["residential"] } }"""))
            .SingleError("$.review.planGates[1].when.attributeIn.attribute", "'newLandUze' is not a fact of the plan (review.planAttributes, newLandUse, greenChannel) or of the parcel");
        SamplePolicy.ValidateEdited(d => d.At("review.planGates[1]")["when"] = JsonNode.Parse("""{ "flag": "heritageListed" }"""))
            .SingleError("$.review.planGates[1].when.flag", "'heritageListed' is not a fact of the plan");

        // The parcel's own fields are there for gates as for conditions.
        var byArea = SamplePolicy.ValidateEdited(d => d.At("review.planGates[1]")["when"] = JsonNode.Parse("""{ "compare": { "attribute": "parcelAreaM2", "over": 10000 } }"""));
        Assert.True(byArea.IsValid, string.Join("\n", byArea.Errors));
    }

    [Fact]
    public void A_land_use_code_a_rule_names_must_be_defined()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("screening.criteria[0].rule.allOf[0].landUseIn").AsArray().Add("farmland"));

        result.SingleError("$.screening.criteria[0].rule.allOf[0].landUseIn[1]", "'farmland' is not a land-use code defined in landUses");
    }

    [Fact]
    public void The_land_uses_a_price_basis_excludes_or_a_no_charge_case_covers_must_be_defined()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            d.At("landPrice.bases[0]")["excludedUses"] = new JsonArray("industrial", "villas");
            d.At("landPrice.noCharge[0]")["uses"] = new JsonArray("farmland");
        });

        Assert.Equal(
            [
                "$.landPrice.bases[0].excludedUses[1]: 'villas' is not a land-use code defined in landUses",
                "$.landPrice.noCharge[0].uses[0]: 'farmland' is not a land-use code defined in landUses",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Only_the_last_step_issues_the_decision()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("review.determinationChains[1].steps[0]")["issuesDecision"] = true);

        result.SingleError("$.review.determinationChains[1].steps[0].issuesDecision", "only the last step of a chain issues the decision");
    }

    [Fact]
    public void The_last_step_issues_the_decision()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("review.determinationChains[0].steps[1]").AsObject().Remove("issuesDecision"));

        result.SingleError("$.review.determinationChains[0].steps[1].issuesDecision", "must be true: the last step of a chain issues the decision");
    }

    [Fact]
    public void Only_the_last_chain_may_have_no_when()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("review.determinationChains[0]").AsObject().Remove("when"));

        result.SingleError("$.review.determinationChains[0].when", "is required on every chain but the last");
    }

    [Fact]
    public void The_last_chain_is_the_default_and_has_no_when()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("review.determinationChains[1]")["when"] = new JsonObject { ["flag"] = "planCompliant" });

        result.SingleError("$.review.determinationChains[1].when", "must be absent: the last chain in determinationChains is the default");
    }

    [Fact]
    public void Plan_chains_follow_the_same_rules()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var chain = d.At("review.determinationChains[0]").DeepClone();
            d.At("review")["planChains"] = new JsonArray(chain);
        });

        result.SingleError("$.review.planChains[0].when", "must be absent: the last chain in planChains is the default");
    }

    [Fact]
    public void A_period_uses_calendar_units_or_working_days_not_both()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("review.determinationChains[1].steps[0].timeLimit.period")["days"] = 3);

        result.SingleError("$.review.determinationChains[1].steps[0].timeLimit.period", "uses both calendar units (years, months, days) and workingDays");
    }

    [Fact]
    public void A_period_is_not_negative()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines.planSubmission.period")["months"] = -6);

        result.SingleError("$.deadlines.planSubmission.period.months", "must not be negative");
    }

    [Theory]
    [InlineData("deadlines.planSubmission.period", """{ "years": 101 }""")]
    [InlineData("deadlines.planSubmission.period", """{ "years": 2000000000 }""")]
    [InlineData("review.reminderBefore", """{ "workingDays": 26001 }""")]
    [InlineData("screening.criteria[1].rule.duration.atLeast", """{ "months": 1300 }""")]
    [InlineData("instalments.allWithin", """{ "days": 36601 }""")]
    public void A_period_is_at_most_a_hundred_years(string at, string period)
    {
        var dot = at.LastIndexOf('.');
        var result = SamplePolicy.ValidateEdited(d => d.At(at[..dot])[at[(dot + 1)..]] = JsonNode.Parse(period));

        result.SingleError("$." + at, "must be at most 100 years");
    }

    [Fact]
    public void A_hundred_years_is_a_period()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines.planSubmission")["period"] = new JsonObject { ["years"] = 100 });

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("review.reminderBefore")]
    [InlineData("review.determinationChains[0].steps[0].timeLimit.period")]
    [InlineData("screening.criteria[1].rule.duration.atLeast")]
    [InlineData("instalments.allWithin")]
    public void A_period_is_not_zero(string at)
    {
        var dot = at.LastIndexOf('.');
        var result = SamplePolicy.ValidateEdited(d => d.At(at[..dot])[at[(dot + 1)..]] = new JsonObject { ["days"] = 0 });

        result.SingleError("$." + at, "must not be zero");
    }

    [Theory]
    [InlineData("""{ "days": 30 }""")]
    [InlineData("""{ "months": 5 }""")]
    [InlineData("""{ "workingDays": 10 }""")]
    public void A_plan_deadline_reminder_within_the_deadline_is_valid(string before)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines.planSubmission")["remindBefore"] = JsonNode.Parse(before));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("""{ "months": 6 }""")]
    [InlineData("""{ "days": 200 }""")]
    [InlineData("""{ "workingDays": 130 }""")]
    [InlineData("""{ "years": 7 }""")]
    public void A_plan_deadline_reminder_as_long_as_the_deadline_is_refused(string before)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines.planSubmission")["remindBefore"] = JsonNode.Parse(before));

        result.SingleError("$.deadlines.planSubmission.remindBefore", "must be shorter than the deadline's period");
    }

    [Fact]
    public void A_plan_deadline_reminder_is_a_period()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines.planSubmission")["remindBefore"] = new JsonObject { ["days"] = 0 });

        result.SingleError("$.deadlines.planSubmission.remindBefore", "must not be zero");
    }

    [Theory]
    [InlineData("""{ "months": 6 }""", null)]
    [InlineData("""{ "workingDays": 100 }""", null)]
    [InlineData("""{ "years": 5 }""", "must be shorter than the deadline's period")]
    [InlineData("""{ "days": 0 }""", "must not be zero")]
    public void The_transition_periods_reminder_is_checked_as_the_plan_deadlines(string before, string? error)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("deadlines")["transitionPeriod"] = JsonNode.Parse(
            """{ "period": { "years": 5 }, "startsAt": "planFiled", "source": "示例市 art. 11", "remindBefore": """ + before + " }"));

        if (error is null)
        {
            Assert.True(result.IsValid, string.Join("\n", result.Errors));
        }
        else
        {
            result.SingleError("$.deadlines.transitionPeriod.remindBefore", error);
        }
    }

    [Fact]
    public void An_instalment_may_be_due_on_the_day()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule[0]")["dueWithin"] = new JsonObject());

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Only_the_last_instalment_takes_the_rest()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule")[0] = new JsonObject { ["rest"] = true, ["dueWithin"] = new JsonObject() });

        result.SingleError("$.instalments.fixedSchedule[0].rest", "only the last term takes the rest");
    }

    [Fact]
    public void The_rest_term_has_no_share()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule[2]")["share"] = 0.3);

        result.SingleError("$.instalments.fixedSchedule[2].share", "must be absent on the term that takes the rest");
    }

    [Fact]
    public void A_term_that_does_not_take_the_rest_has_a_share()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule[1]").AsObject().Remove("share"));

        result.SingleError("$.instalments.fixedSchedule[1].share", "is required unless the term takes the rest");
    }

    [Fact]
    public void With_a_rest_term_the_shares_add_up_to_at_most_1()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule[0]")["share"] = 0.6);

        result.SingleError("$.instalments.fixedSchedule", "the shares add up to 1.1; with a term that takes the rest they must add up to at most 1");
    }

    [Fact]
    public void Without_a_rest_term_the_shares_add_up_to_exactly_1()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule")[2] = new JsonObject { ["share"] = 0.2, ["dueWithin"] = new JsonObject { ["years"] = 1 } });

        result.SingleError("$.instalments.fixedSchedule", "the shares add up to 0.9; without a term that takes the rest they must add up to exactly 1");
    }

    [Fact]
    public void Shares_adding_up_to_exactly_1_without_a_rest_term_are_fine()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule")[2] = new JsonObject { ["share"] = 0.3, ["dueWithin"] = new JsonObject { ["years"] = 1 } });

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Due_periods_do_not_decrease()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule[2]")["dueWithin"] = new JsonObject { ["days"] = 20 });

        result.SingleError("$.instalments.fixedSchedule[2].dueWithin", "is shorter than the previous term's (instalments.fixedSchedule[1].dueWithin): due periods must not decrease");
    }

    [Theory]
    [InlineData(30)]
    [InlineData(31)]
    public void A_due_period_that_may_or_may_not_be_shorter_than_a_month_is_not_reported(int days)
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments.fixedSchedule[2]")["dueWithin"] = new JsonObject { ["days"] = days });

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Bounds_belong_to_number_attributes_and_the_least_is_not_above_the_most()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var attributes = d.At("attributes").AsArray();
            attributes.Add(new JsonObject { ["name"] = "ownershipClearFlag", ["type"] = "boolean", ["description"] = "权属清晰", ["minimum"] = 0 });
            attributes.Add(new JsonObject { ["name"] = "coverageRatio", ["type"] = "number", ["description"] = "建筑密度", ["minimum"] = 1, ["maximum"] = 0.5 });
        });

        Assert.Null(result.Policy);
        var errors = result.Errors.Select(e => (e.Path, e.Message)).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Matches(@"^\$\.attributes\[\d+\]\.minimum$", errors[0].Path);
        Assert.Contains("only numbers have bounds", errors[0].Message, StringComparison.Ordinal);
        Assert.Matches(@"^\$\.attributes\[\d+\]\.maximum$", errors[1].Path);
        Assert.Contains("must not be less than minimum (1)", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_attribute_may_have_a_range()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("attributes").AsArray().Add(
            new JsonObject { ["name"] = "coverageRatio", ["type"] = "number", ["description"] = "建筑密度", ["minimum"] = 0, ["maximum"] = 1 }));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal((0m, 1m), (result.Policy!.Attributes[^1].Minimum, result.Policy.Attributes[^1].Maximum));
    }

    [Fact]
    public void When_instalments_are_not_allowed_there_is_no_schedule()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            d.At("instalments")["allowed"] = false;
            d.At("instalments").AsObject().Remove("consentOf");
            d.At("instalments").AsObject().Remove("firstPaymentAtLeast");
            d.At("instalments").AsObject().Remove("allWithin");
        });

        result.SingleError("$.instalments.fixedSchedule", "must be absent: instalments are not allowed (allowed: false)");
    }

    [Fact]
    public void When_instalments_are_not_allowed_there_is_no_first_payment_share_nor_period_for_them()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var rules = d.At("instalments").AsObject();
            rules["allowed"] = false;
            rules.Remove("consentOf");
            rules.Remove("fixedSchedule");
        });

        Assert.Null(result.Policy);
        Assert.True(result.IsWellFormed);
        Assert.Equal(
            [
                ("$.instalments.firstPaymentAtLeast", "must be absent: instalments are not allowed (allowed: false), so the price is paid whole and there is no first payment"),
                ("$.instalments.allWithin", "must be absent: instalments are not allowed (allowed: false), so there is no period for instalments to fall within"),
            ],
            result.Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void When_instalments_are_not_allowed_the_policy_without_their_terms_is_valid()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var rules = d.At("instalments").AsObject();
            rules["allowed"] = false;
            foreach (var name in new[] { "consentOf", "fixedSchedule", "firstPaymentAtLeast", "allWithin" })
            {
                rules.Remove(name);
            }
        });

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.False(result.Policy!.Instalments.Allowed);
    }

    private static JsonArray OnlyFor(params string[] ids) => new(ids.Select(id => (JsonNode)new JsonObject
    {
        ["id"] = id, ["description"] = "过渡期满办理土地使用权协议出让", ["source"] = "示例市 art. 16",
    }).ToArray());

    [Fact]
    public void When_instalments_are_not_allowed_no_one_consents_to_them_and_no_transfer_may_pay_in_them()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var rules = d.At("instalments").AsObject();
            rules["allowed"] = false;
            rules.Remove("fixedSchedule");
            rules.Remove("firstPaymentAtLeast");
            rules.Remove("allWithin");
            rules["onlyFor"] = OnlyFor("agreement-transfer-after-transition");
        });

        Assert.Null(result.Policy);
        Assert.True(result.IsWellFormed);
        Assert.Equal(
            [
                ("$.instalments.consentOf", "must be absent: instalments are not allowed (allowed: false), so there are no instalments to consent to"),
                ("$.instalments.onlyFor", "must be absent: instalments are not allowed (allowed: false), so no transfer may pay in instalments"),
            ],
            result.Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void A_fixed_schedule_due_whole_on_the_first_day_asks_no_consent()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments")["fixedSchedule"] = new JsonArray(
            new JsonObject { ["share"] = 0.5, ["dueWithin"] = new JsonObject { ["days"] = 0 } },
            new JsonObject { ["rest"] = true, ["dueWithin"] = new JsonObject { ["days"] = 0 } }));

        result.SingleError("$.instalments.consentOf", "must be absent: the fixed schedule falls due whole on the day its periods start");
    }

    [Fact]
    public void A_fixed_schedule_due_whole_on_the_first_day_lets_no_transfer_pay_in_instalments()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var rules = d.At("instalments").AsObject();
            rules.Remove("consentOf");
            rules["fixedSchedule"] = new JsonArray(new JsonObject { ["rest"] = true, ["dueWithin"] = new JsonObject { ["days"] = 0 } });
            rules["onlyFor"] = OnlyFor("agreement-transfer-after-transition");
        });

        result.SingleError("$.instalments.onlyFor", "must be absent: the fixed schedule falls due whole on the day its periods start");
    }

    [Fact]
    public void Instalments_over_time_may_ask_consent_and_name_the_transfers_that_may_pay_in_them()
    {
        // One term due within the year leaves the contract room to pay in parts: the consent and the list mean something.
        var result = SamplePolicy.ValidateEdited(d =>
        {
            var rules = d.At("instalments").AsObject();
            rules["fixedSchedule"] = new JsonArray(new JsonObject { ["rest"] = true, ["dueWithin"] = new JsonObject { ["years"] = 1 } });
            rules["onlyFor"] = OnlyFor("agreement-transfer-after-transition", "agreement-transfer-on-conveyance");
        });

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["agreement-transfer-after-transition", "agreement-transfer-on-conveyance"], result.Policy!.Instalments.OnlyFor!.Select(k => k.Id));
    }

    [Fact]
    public void The_transfers_that_may_pay_in_instalments_have_unique_ids()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments")["onlyFor"] = OnlyFor("agreement-transfer-after-transition", "agreement-transfer-after-transition"));

        result.SingleError("$.instalments.onlyFor[1].id", "'agreement-transfer-after-transition' is already the id of onlyFor[0]");
    }

    [Fact]
    public void An_empty_list_of_transfers_is_refused_by_the_schema()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("instalments")["onlyFor"] = new JsonArray());

        Assert.Contains(result.Errors, e => e.Path == "$.instalments.onlyFor");
        Assert.False(result.IsWellFormed);
    }

    [Fact]
    public void Evidence_content_types_look_like_type_slash_subtype()
    {
        var result = SamplePolicy.ValidateEdited(d => d.At("evidence.contentTypes")[1] = "pdf");

        result.SingleError("$.evidence.contentTypes[1]", "'pdf' is not a content type: it must look like type/subtype");
    }

    [Fact]
    public void Many_semantic_errors_are_all_reported_together()
    {
        var result = SamplePolicy.ValidateEdited(d =>
        {
            d.At("landUses[1]")["code"] = "industrial";
            d.At("screening.criteria[4]")["id"] = "art4-1-low-far";
            d.At("screening.criteria[2].rule.anyOf[0].compare")["attribute"] = "idleSince";
            d.At("screening.criteria[1].rule.duration.atLeast")["workingDays"] = 5;
            d.At("review.determinationChains[0]").AsObject().Remove("when");
            d.At("review.determinationChains[1].steps[1]")["issuesDecision"] = false;
            d.At("instalments.fixedSchedule[0]")["share"] = 0.9;
            d.At("evidence.contentTypes")[0] = "jpeg";
        });

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "$.landUses[1].code",
                "$.screening.criteria[4].id",
                "$.screening.criteria[1].rule.duration.atLeast",
                "$.screening.criteria[2].rule.anyOf[0].compare.attribute",
                "$.review.determinationChains[0].when",
                "$.review.determinationChains[1].steps[1].issuesDecision",
                "$.review.planGates[1].when.landUseIn[0]",
                "$.instalments.fixedSchedule",
                "$.evidence.contentTypes[0]",
            ],
            result.Errors.Select(e => e.Path));
    }

    // ---- The same checks on a policy built in code, for what the schema catches first in a document ----

    [Fact]
    public void The_sample_passes_the_semantic_checks()
    {
        Assert.Empty(PolicyValidator.Check(SamplePolicy.Policy()));
    }

    [Fact]
    public void A_rule_built_in_code_with_two_members_is_an_error()
    {
        var policy = SamplePolicy.Policy();
        var criteria = policy.Screening.Criteria.ToList();
        criteria[4] = criteria[4] with { Rule = criteria[4].Rule with { Flag = "planCompliant" } };
        policy = policy with { Screening = policy.Screening with { Criteria = criteria } };

        var error = Assert.Single(PolicyValidator.Check(policy));

        Assert.Equal("$.screening.criteria[4].rule", error.Path);
        Assert.Equal(RuleMembers + " (has 2: not, flag)", error.Message);
    }

    [Fact]
    public void A_comparison_built_in_code_without_a_comparator_is_an_error()
    {
        var policy = SamplePolicy.Policy();
        var criteria = policy.Screening.Criteria.ToList();
        var anyOf = criteria[2].Rule.AnyOf!.ToList();
        anyOf[1] = anyOf[1] with { Compare = anyOf[1].Compare! with { Below = null } };
        criteria[2] = criteria[2] with { Rule = criteria[2].Rule with { AnyOf = anyOf } };
        policy = policy with { Screening = policy.Screening with { Criteria = criteria } };

        var error = Assert.Single(PolicyValidator.Check(policy));

        Assert.Equal("$.screening.criteria[2].rule.anyOf[1].compare", error.Path);
        Assert.Equal(Comparators + " (has none)", error.Message);
    }

    [Fact]
    public void A_chain_built_in_code_without_steps_is_an_error()
    {
        var policy = SamplePolicy.Policy();
        var chains = policy.Review.DeterminationChains.ToList();
        chains[1] = chains[1] with { Steps = [] };
        policy = policy with { Review = policy.Review with { DeterminationChains = chains } };

        var error = Assert.Single(PolicyValidator.Check(policy));

        Assert.Equal("$.review.determinationChains[1].steps", error.Path);
        Assert.Contains("must have at least one step", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shares_and_tolerance_built_in_code_are_checked()
    {
        var policy = SamplePolicy.Policy();
        var terms = policy.Instalments.FixedSchedule!.ToList();
        terms[0] = terms[0] with { Share = 0m };
        terms[1] = terms[1] with { Share = 1.2m };
        policy = policy with
        {
            LandPrice = policy.LandPrice with { Bases = [policy.LandPrice.Bases[0] with { Share = 1.01m }, policy.LandPrice.Bases[1]] },
            Instalments = policy.Instalments with { FirstPaymentAtLeast = -0.5m, FixedSchedule = terms },
            Survey = policy.Survey with { DeclaredAreaTolerance = -0.05m },
        };

        var errors = PolicyValidator.Check(policy);

        Assert.Equal(
            [
                "$.landPrice.bases[0].share: must be a share: greater than 0 and at most 1",
                "$.instalments.firstPaymentAtLeast: must be a share: greater than 0 and at most 1",
                "$.instalments.fixedSchedule[0].share: must be a share: greater than 0 and at most 1",
                "$.instalments.fixedSchedule[1].share: must be a share: greater than 0 and at most 1",
                "$.instalments.fixedSchedule: the shares add up to 1.2; with a term that takes the rest they must add up to at most 1",
                "$.survey.declaredAreaTolerance: must not be negative (it is a relative difference, e.g. 0.05 = 5 %)",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Working_day_periods_built_in_code_are_compared_with_each_other()
    {
        var policy = SamplePolicy.Policy();
        InstalmentTerm Term(decimal? share, int workingDays, bool rest = false) => new() { Share = share, Rest = rest, DueWithin = new Period { WorkingDays = workingDays } };
        policy = policy with { Instalments = policy.Instalments with { FixedSchedule = [Term(0.5m, 10), Term(0.3m, 5), Term(null, 20, rest: true)] } };

        var error = Assert.Single(PolicyValidator.Check(policy));

        Assert.Equal("$.instalments.fixedSchedule[1].dueWithin", error.Path);
        Assert.Contains("due periods must not decrease", error.Message, StringComparison.Ordinal);
    }

    private static void AssertContains(JsonNode expected, JsonNode actual, string path)
    {
        switch (expected)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var member = Assert.IsType<JsonObject>(actual)[name];
                    Assert.True(member is not null, $"{path}.{name} was lost");
                    AssertContains(value!, member, $"{path}.{name}");
                }

                break;
            case JsonArray array:
                var actualArray = Assert.IsType<JsonArray>(actual);
                Assert.Equal(array.Count, actualArray.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    AssertContains(array[i]!, actualArray[i]!, $"{path}[{i}]");
                }

                break;
            default:
                Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}: {expected.ToJsonString()} became {actual.ToJsonString()}");
                break;
        }
    }
}
