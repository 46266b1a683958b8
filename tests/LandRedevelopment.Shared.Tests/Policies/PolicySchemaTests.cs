using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Shared.Tests.Policies;

public class PolicySchemaTests
{
    private static readonly JsonObject Schema = PolicySchema.Schema.AsObject();
    private static readonly JsonObject Defs = Schema["$defs"]!.AsObject();

    [Fact]
    public void The_schema_says_its_dialect_id_and_title()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Schema["$schema"]!.GetValue<string>());
        Assert.Equal("https://land-redevelopment.example/schemas/policy-v1.json", Schema["$id"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(Schema["title"]!.GetValue<string>()));
        Assert.Equal("object", Schema["type"]!.GetValue<string>());
        Assert.False(Schema["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void Every_type_and_every_member_has_a_description()
    {
        var missing = new List<string>();
        foreach (var (name, type) in Definitions())
        {
            if (string.IsNullOrWhiteSpace(type["description"]?.GetValue<string>()))
            {
                missing.Add(name);
            }

            foreach (var (member, schema) in type["properties"]!.AsObject())
            {
                if (string.IsNullOrWhiteSpace(schema!["description"]?.GetValue<string>()))
                {
                    missing.Add($"{name}.{member}");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_record_of_the_model_has_a_definition_with_exactly_its_members()
    {
        // Walks the model itself, so that the description check above cannot pass by missing a type.
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([typeof(PolicyDocument)]);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            var info = PolicyJson.Options.GetTypeInfo(type);
            var definition = type == typeof(PolicyDocument) ? Schema : Defs[type.Name]?.AsObject();
            Assert.True(definition is not null, $"{type.Name} has no $defs entry");
            // Members marked [JsonIgnore] (computed helpers such as Period.IsValid) are never on the wire.
            var members = info.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true) != true).ToList();
            Assert.Equal(members.Select(p => p.Name), definition["properties"]!.AsObject().Select(p => p.Key));
            foreach (var property in members)
            {
                var memberType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (memberType.IsGenericType && memberType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
                {
                    memberType = memberType.GetGenericArguments()[0];
                }

                if (PolicyJson.Options.GetTypeInfo(memberType).Kind == JsonTypeInfoKind.Object)
                {
                    pending.Enqueue(memberType);
                }
            }
        }

        Assert.Equal(seen.Where(t => t != typeof(PolicyDocument)).Select(t => t.Name).Order(), Defs.Select(d => d.Key).Order());
        Assert.Contains(typeof(Period), seen);
    }

    [Fact]
    public void A_rule_has_exactly_one_of_all_its_members()
    {
        var rule = Defs["Rule"]!.AsObject();

        Assert.Equal(
            ["allOf", "anyOf", "not", "flag", "landUseIn", "attributeIn", "compare", "ratio", "duration"],
            rule["oneOf"]!.AsArray().Select(OnlyRequired));
        Assert.Equal(rule["properties"]!.AsObject().Select(p => p.Key), rule["oneOf"]!.AsArray().Select(OnlyRequired));
    }

    [Theory]
    [InlineData("CompareRule", "attribute")]
    [InlineData("RatioRule", "numerator")]
    [InlineData("DurationRule", "since")]
    public void A_comparison_has_its_subject_and_exactly_one_comparator(string type, string subject)
    {
        var definition = Defs[type]!.AsObject();

        Assert.Equal(["atLeast", "atMost", "below", "over"], definition["oneOf"]!.AsArray().Select(OnlyRequired));
        Assert.Contains(subject, definition["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Theory]
    [InlineData("PriceBasis", "share")]
    [InlineData("InstalmentTerm", "share")]
    [InlineData("InstalmentRules", "firstPaymentAtLeast")]
    public void Shares_are_greater_than_0_and_at_most_1(string type, string member)
    {
        var schema = Member(type, member);

        Assert.Equal("number", schema["type"]!.GetValue<string>());
        Assert.Equal(0m, schema["exclusiveMinimum"]!.GetValue<decimal>());
        Assert.Equal(1m, schema["maximum"]!.GetValue<decimal>());
        Assert.Null(schema["minimum"]);
    }

    [Fact]
    public void Tolerance_and_counts_have_lower_bounds()
    {
        Assert.Equal(0m, Member("SurveyRules", "declaredAreaTolerance")["minimum"]!.GetValue<decimal>());
        Assert.Equal(3m, Member("SurveyRules", "maxVertices")["minimum"]!.GetValue<decimal>());
        Assert.Equal(0m, Member("EvidenceRules", "maxFiles")["minimum"]!.GetValue<decimal>());
        // The files of one declaration are written in one transaction with the case (CaseLimits.MaxDeclaredFiles).
        Assert.Equal(80m, Member("EvidenceRules", "maxFiles")["maximum"]!.GetValue<decimal>());
        Assert.Equal(1m, Member("EvidenceRules", "maxFileBytes")["minimum"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("issued")]
    [InlineData("inForce")]
    [InlineData("validUntil")]
    public void Dates_are_strings_in_date_format(string member)
    {
        var schema = Member("PolicySource", member);

        Assert.Equal("string", schema["type"]!.GetValue<string>());
        Assert.Equal("date", schema["format"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("LandUseClass", "code")]
    [InlineData("NamedRule", "id")]
    [InlineData("ReviewChain", "id")]
    [InlineData("ReviewStep", "id")]
    [InlineData("PlanGate", "id")]
    [InlineData("PriceBasis", "id")]
    [InlineData("NoChargeCase", "id")]
    public void Lower_case_codes_and_ids_have_a_pattern(string type, string member)
    {
        Assert.Equal("^[a-z0-9][a-z0-9-]*$", Member(type, member)["pattern"]!.GetValue<string>());
    }

    [Fact]
    public void A_source_id_is_a_short_name_in_any_script_and_has_no_pattern()
    {
        Assert.Null(Member("PolicySource", "id")["pattern"]);
    }

    [Fact]
    public void Null_is_never_allowed_and_every_reference_is_to_a_definition()
    {
        var json = PolicySchema.SchemaJson;

        Assert.DoesNotContain("\"null\"", json, StringComparison.Ordinal);
        foreach (var reference in References(Schema))
        {
            Assert.StartsWith("#/$defs/", reference, StringComparison.Ordinal);
            Assert.True(Defs.ContainsKey(reference["#/$defs/".Length..]), reference);
        }
    }

    [Fact]
    public void Optional_members_show_their_defaults()
    {
        Assert.Equal("""{"workingDays":2}""", DefaultWithoutZeros(Member("ReviewRules", "reminderBefore")));
        Assert.Equal("contractSigned", Member("InstalmentRules", "countFrom")["default"]!.GetValue<string>());
        Assert.Equal(0.05m, Member("SurveyRules", "declaredAreaTolerance")["default"]!.GetValue<decimal>());
        Assert.Null(Member("PolicyDocument", "name")["default"]);
    }

    [Fact]
    public void The_schema_given_out_is_a_copy()
    {
        var copy = PolicySchema.Schema.AsObject();
        copy["title"] = "changed";
        copy["$defs"]!["Rule"]!.AsObject().Remove("oneOf");

        Assert.NotEqual("changed", PolicySchema.Schema["title"]!.GetValue<string>());
        Assert.NotNull(PolicySchema.Schema["$defs"]!["Rule"]!["oneOf"]);
        Assert.False(SamplePolicy.ValidateEdited(d => d.At("screening.criteria[0].rule")["flag"] = "planCompliant").IsValid);
    }

    [Fact]
    public void The_schema_text_is_the_schema()
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PolicySchema.SchemaJson), PolicySchema.Schema));
        Assert.Contains("克拉玛依", PolicySchema.SchemaJson, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_implements_every_keyword_the_schema_uses()
    {
        // It refuses schemas with keywords it does not know; building it is the check.
        var validator = new JsonSchemaValidator(PolicySchema.Schema);

        Assert.Empty(validator.Validate(JsonDocument.Parse(SamplePolicy.Json).RootElement));
    }

    private static IEnumerable<(string Name, JsonObject Type)> Definitions() =>
        new[] { ("PolicyDocument", Schema) }.Concat(Defs.Select(d => (d.Key, d.Value!.AsObject())));

    private static JsonObject Member(string type, string member) =>
        (type == "PolicyDocument" ? Schema : Defs[type]!)["properties"]![member]!.AsObject();

    private static string OnlyRequired(JsonNode? branch)
    {
        var obj = branch!.AsObject();
        Assert.Single(obj);
        return Assert.Single(obj["required"]!.AsArray())!.GetValue<string>();
    }

    private static string DefaultWithoutZeros(JsonObject schema)
    {
        var value = schema["default"]!.DeepClone().AsObject();
        foreach (var zero in value.Where(p => p.Value!.GetValue<int>() == 0).Select(p => p.Key).ToList())
        {
            value.Remove(zero);
        }

        return value.ToJsonString();
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "$ref" ? [p.Value!.GetValue<string>()] : References(p.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}
