using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LandRedevelopment.Policies;

/// <summary>
/// The human reference of the policy document, generated from <see cref="PolicySchema"/> so that it says exactly
/// what the validator enforces. <c>shared/Policies/POLICY-REFERENCE.md</c> is a committed copy, kept equal by a test.
/// </summary>
public static class PolicyDocs
{
    /// <summary>How to regenerate the committed copies (the reference and <c>policy.schema.json</c>).</summary>
    public const string RegenerateHint =
        "UPDATE_POLICY_REFERENCE=1 dotnet test tests/LandRedevelopment.Shared.Tests --filter \"FullyQualifiedName~Policies\"";

    // The checks PolicyValidator makes beyond the schema; kept here, in prose, because a schema cannot say them.
    private static readonly string[] SemanticChecks =
    [
        "Ids are unique within each list: sources, land-use codes, attribute names, preconditions, exemptions, exclusions, criteria, reclamation rules, each list of review chains, the steps of a chain, plan gates, plan conditions, price bases and no-charge cases.",
        "Every attribute a rule names is defined in `attributes` with the type the rule needs: `flag` a boolean, `compare` and `ratio` a number, `duration` a date, `attributeIn` a string. The parcel's own fields are always available and are not defined: `district` and `zone` (string), `parcelAreaM2` (number). Rules of plan gates and plan conditions (`review.planGates`, `review.planConditions`) read the plan's facts — its `review.planAttributes`, `newLandUse` (string) and `greenChannel` (boolean) — and the parcel's own fields, and are checked against those, not against `attributes`.",
        "Every land-use code a rule names (`landUseIn`) is defined in `landUses`.",
        "Each rule, and each comparison inside `compare`, `ratio` and `duration`, has exactly one member set.",
        "A review chain has at least one step and at most 10 (a case keeps every decision of its rounds on its row), and exactly one step issues the decision (`issuesDecision: true`): the last.",
        "Plan attributes (`review.planAttributes`) have names of their own: not a parcel field, a survey attribute, `newLandUse` or `greenChannel`. Plan chains may read them besides the survey's attributes, and plan conditions instead of them; screening rules may not.",
        "In each list of review chains, only the last chain has no `when`, and the last one has none: it is the default.",
        "A period uses calendar units (years, months, days) or working days, not both; it is not negative, and not zero — except an instalment's `dueWithin`, where 0 means on the day.",
        "Instalment schedules (`fixedSchedule`, `defaultPlan`): every share is in (0, 1]; at most one term takes the rest (`rest: true`, no share) and it is the last; the shares add up to at most 1 with a rest term and to exactly 1 without one; due periods do not decrease. When `allowed` is false there is no schedule, no `firstPaymentAtLeast` and no `allWithin`.",
        "`consentOf` and `onlyFor` (whose ids are unique) are set only where a contract can pay in instalments: not with `allowed: false`, nor with a `fixedSchedule` whose last term is due within 0 days (everything due on the day the periods start).",
        "`firstPaymentAtLeast` and the share of a price basis are in (0, 1]; `declaredAreaTolerance` is not negative.",
        "Evidence content types look like `type/subtype` (e.g. `application/pdf`).",
    ];

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The reference, as Markdown: general rules, then every type with every member's type, whether it is required, its description and its constraints.</summary>
    public static string RenderMarkdown()
    {
        var schema = PolicySchema.Schema.AsObject();
        var defs = schema["$defs"]!.AsObject();
        var types = new List<(string Name, JsonObject Schema)> { ("PolicyDocument", schema) };
        types.AddRange(defs.Select(d => (d.Key, d.Value!.AsObject())));
        var (firstPaths, usedBy) = Locate(schema, defs);

        var md = new StringBuilder();
        md.Append("# Policy document reference\n\n");
        md.Append("<!-- Generated from the policy schema by PolicyDocs.RenderMarkdown(); do not edit by hand. To regenerate:\n");
        md.Append("     ").Append(PolicyDocs.RegenerateHint).Append(" -->\n\n");
        md.Append(schema["title"]!.GetValue<string>()).Append(". ");
        md.Append(schema["description"]!.GetValue<string>()).Append("\n\n");
        md.Append("JSON Schema (draft 2020-12): `").Append(PolicySchema.Id).Append("`, committed beside this file as `policy.schema.json`.\n\n");

        md.Append("## General rules\n\n");
        md.Append("- Member names are camelCase; enum values are camelCase strings.\n");
        md.Append("- Unknown members are refused.\n");
        md.Append("- An optional member without a value is left out: `null` is not accepted anywhere. Left out, it takes its default.\n");
        md.Append("- Numbers are JSON numbers, never strings. Dates are strings `yyyy-MM-dd`.\n");
        md.Append("- Strings are never empty.\n\n");

        md.Append("## Checks beyond the schema\n\n");
        md.Append("A document that matches the schema is then checked for the following; every error is reported with its JSON path.\n\n");
        foreach (var check in SemanticChecks)
        {
            md.Append("- ").Append(check).Append('\n');
        }

        md.Append("\n## Types\n\n");
        foreach (var (name, _) in types)
        {
            md.Append("- [").Append(name).Append("](#").Append(Anchor(name)).Append(")\n");
        }

        foreach (var (name, type) in types)
        {
            md.Append("\n## ").Append(name).Append("\n\n");
            if (type["description"] is { } description)
            {
                md.Append(description.GetValue<string>()).Append("\n\n");
            }

            md.Append("Path: `").Append(firstPaths.GetValueOrDefault(name, "$")).Append('`');
            if (usedBy.TryGetValue(name, out var users) && users.Count > 0)
            {
                md.Append("; used by ").Append(string.Join(", ", users.Select(u => $"`{u}`")));
            }

            md.Append(".\n\n");
            if (type["oneOf"] is JsonArray oneOf)
            {
                var members = oneOf.Select(b => b!["required"]![0]!.GetValue<string>());
                md.Append("Exactly one of: ").Append(string.Join(", ", members.Select(m => $"`{m}`"))).Append(".\n\n");
            }

            var required = (type["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            md.Append("| Member | Type | Required | Description | Constraints |\n");
            md.Append("|---|---|---|---|---|\n");
            foreach (var (member, memberSchemaNode) in type["properties"]!.AsObject())
            {
                var memberSchema = memberSchemaNode!.AsObject();
                md.Append("| `").Append(member).Append("` | ")
                    .Append(Cell(TypeOf(memberSchema))).Append(" | ")
                    .Append(required.Contains(member) ? "yes" : "no").Append(" | ")
                    .Append(Cell(memberSchema["description"]?.GetValue<string>() ?? "")).Append(" | ")
                    .Append(Cell(Constraints(memberSchema))).Append(" |\n");
            }
        }

        return md.ToString();
    }

    /// <summary>For each type, the path where it first appears (in document order) and the members that refer to it.</summary>
    private static (Dictionary<string, string> FirstPaths, Dictionary<string, List<string>> UsedBy) Locate(JsonObject root, JsonObject defs)
    {
        var firstPaths = new Dictionary<string, string>(StringComparer.Ordinal) { ["PolicyDocument"] = "$" };
        var usedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        void Walk(string typeName, JsonObject type, string path)
        {
            foreach (var (member, node) in type["properties"]!.AsObject())
            {
                var memberPath = $"{path}.{member}";
                var (target, suffix) = node!["$ref"] is { } direct
                    ? (RefName(direct), "")
                    : node["items"]?["$ref"] is { } item ? (RefName(item), "[*]") : (null, "");
                if (target is null)
                {
                    continue;
                }

                var users = usedBy.TryGetValue(target, out var list) ? list : usedBy[target] = [];
                var user = $"{typeName}.{member}{suffix}";
                if (!users.Contains(user))
                {
                    users.Add(user);
                }

                // Each type is spelled out once, at its first path; that also stops at recursion (Rule in Rule).
                if (firstPaths.TryAdd(target, memberPath + suffix))
                {
                    Walk(target, defs[target]!.AsObject(), memberPath + suffix);
                }
            }
        }

        Walk("PolicyDocument", root, "$");
        return (firstPaths, usedBy);
    }

    private static string RefName(JsonNode reference) => reference.GetValue<string>()["#/$defs/".Length..];

    private static string TypeOf(JsonObject schema)
    {
        if (schema["$ref"] is { } reference)
        {
            var name = RefName(reference);
            return $"[{name}](#{Anchor(name)})";
        }

        if (schema["enum"] is not null)
        {
            return "string (enum)";
        }

        var type = schema["type"] switch
        {
            JsonArray types => string.Join(" or ", types.Select(t => t!.GetValue<string>())),
            { } single => single.GetValue<string>(),
            null => "any",
        };
        if (type == "array" && schema["items"] is JsonObject items)
        {
            return "array of " + TypeOf(items);
        }

        return schema["format"]?.GetValue<string>() == "date" ? "date (string, yyyy-MM-dd)" : type;
    }

    private static string Constraints(JsonObject schema)
    {
        var parts = new List<string>();
        if (schema["enum"] is JsonArray values)
        {
            parts.Add("one of " + string.Join(", ", values.Select(v => $"`{v!.GetValue<string>()}`")));
        }

        if (schema["const"] is { } constant)
        {
            parts.Add($"always `{constant.ToJsonString(Compact)}`");
        }

        if (schema["minimum"] is { } minimum)
        {
            parts.Add($"≥ {Number(minimum)}");
        }

        if (schema["exclusiveMinimum"] is { } exclusiveMinimum)
        {
            parts.Add($"> {Number(exclusiveMinimum)}");
        }

        if (schema["maximum"] is { } maximum)
        {
            parts.Add($"≤ {Number(maximum)}");
        }

        if (schema["pattern"] is { } pattern)
        {
            parts.Add($"matches `{pattern.GetValue<string>()}`");
        }

        if (schema["minItems"] is { } minItems)
        {
            var n = minItems.GetValue<int>();
            parts.Add(n == 1 ? "at least 1 item" : $"at least {n} items");
        }

        if (schema["items"] is JsonObject items && items["$ref"] is null)
        {
            var itemConstraints = Constraints(items);
            if (itemConstraints.Length > 0)
            {
                parts.Add($"each item: {itemConstraints}");
            }
        }

        if (schema["default"] is { } value)
        {
            parts.Add($"default `{value.ToJsonString(Compact)}`");
        }

        return string.Join("; ", parts);
    }

    private static string Number(JsonNode value) => value.GetValue<decimal>().ToString(CultureInfo.InvariantCulture);

    // GitHub's heading anchors: lower case, for these names nothing else changes.
    private static string Anchor(string typeName) => typeName.ToLowerInvariant();

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
