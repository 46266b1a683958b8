using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Shared.Tests.Policies;

/// <summary>The keywords the policy schema does not use today, on small schemas of their own.</summary>
public class JsonSchemaValidatorTests
{
    [Fact]
    public void A_type_list_allows_each_of_its_types_and_names_them_all()
    {
        var validator = Validator("""{ "type": ["string", "null"] }""");

        Assert.Empty(validator.Validate(Json("null")));
        Assert.Empty(validator.Validate(Json("\"x\"")));
        Assert.Equal("$: must be a string or null", Assert.Single(validator.Validate(Json("3"))).ToString());
    }

    [Fact]
    public void Any_of_needs_one_match_and_one_of_exactly_one()
    {
        var anyOf = Validator("""{ "anyOf": [ { "type": "string" }, { "minimum": 10 } ] }""");
        var oneOf = Validator("""{ "oneOf": [ { "type": "number" }, { "minimum": 10 } ] }""");

        Assert.Empty(anyOf.Validate(Json("12")));
        Assert.Equal("$: must match at least one of the alternatives (anyOf)", Assert.Single(anyOf.Validate(Json("5"))).ToString());
        Assert.Empty(oneOf.Validate(Json("\"a\""))); // only the second matches: a string is not checked against minimum
        Assert.Equal("$: must match exactly one of the alternatives (oneOf); matches 2", Assert.Single(oneOf.Validate(Json("12"))).ToString());
    }

    [Fact]
    public void Counts_of_members_items_and_characters_are_checked()
    {
        var validator = Validator("""
            {
              "type": "object",
              "minProperties": 1, "maxProperties": 2,
              "properties": {
                "list": { "type": "array", "minItems": 1, "maxItems": 2, "items": { "type": "integer", "exclusiveMaximum": 5 } },
                "text": { "type": "string", "minLength": 2, "maxLength": 3 }
              }
            }
            """);

        Assert.Equal("$: must have at least 1 member", Assert.Single(validator.Validate(Json("{}"))).ToString());
        Assert.Equal(
            [
                "$.list: must have at most 2 items",
                "$.list[2]: must be less than 5",
                "$.text: must have at most 3 characters",
                "$: must have at most 2 members",
            ],
            validator.Validate(Json("""{ "list": [1, 2, 5], "text": "abcd", "other": 0 }""")).Select(e => e.ToString()));

        // Characters are code points: an extension-B character is one, though it is two UTF-16 units.
        Assert.Equal("$.text: must have at least 2 characters", Assert.Single(validator.Validate(Json("""{ "text": "𠀀" }"""))).ToString());
    }

    [Fact]
    public void A_reference_may_point_anywhere_in_the_schema_and_may_recurse()
    {
        var validator = Validator("""
            {
              "$defs": { "node": { "type": "object", "properties": { "next": { "$ref": "#/$defs/node" }, "v": { "$ref": "#/properties/v" } }, "additionalProperties": false } },
              "properties": { "v": { "type": "boolean" } },
              "$ref": "#/$defs/node"
            }
            """);

        Assert.Empty(validator.Validate(Json("""{ "next": { "next": { "v": true } } }""")));
        Assert.Equal(
            ["$.next.next.v: must be a boolean (true or false)", "$.next.x: is not allowed (unknown member)"],
            validator.Validate(Json("""{ "next": { "next": { "v": 1 }, "x": 0 } }""")).Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("""{ "if": { "type": "string" } }""", "'if'")]
    [InlineData("""{ "format": "date-time" }""", "'date-time'")]
    [InlineData("""{ "$ref": "other.json#/x" }""", "only '#/…' references")]
    [InlineData("""{ "$ref": "#/$defs/missing" }""", "does not resolve")]
    [InlineData("""{ "items": true }""", "boolean schemas")]
    public void A_schema_using_what_the_validator_does_not_implement_is_refused(string schema, string message)
    {
        var e = Assert.Throws<NotSupportedException>(() => Validator(schema));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_keeps_its_own_copy_of_the_schema()
    {
        var schema = JsonNode.Parse("""{ "type": "string" }""")!;
        var validator = new JsonSchemaValidator(schema);
        schema["type"] = "number";

        Assert.Empty(validator.Validate(Json("\"still a string\"")));
    }

    private static JsonSchemaValidator Validator(string schema) => new(JsonNode.Parse(schema)!);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}
