using System.Text.Json.Nodes;
using LandRedevelopment.Policies;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Policies;

/// <summary>
/// The committed POLICY-REFERENCE.md and policy.schema.json are generated; these tests keep them equal to what the
/// model generates now. After changing the model, regenerate them: set UPDATE_POLICY_REFERENCE=1 and run the tests.
/// </summary>
public class PolicyReferenceFilesTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("UPDATE_POLICY_REFERENCE") == "1";

    [Fact]
    public void The_committed_reference_is_the_generated_one()
    {
        AssertCommitted("POLICY-REFERENCE.md", PolicyDocs.RenderMarkdown());
    }

    [Fact]
    public void The_committed_schema_is_the_generated_one()
    {
        AssertCommitted("policy.schema.json", PolicySchema.SchemaJson + "\n");
    }

    [Fact]
    public void The_reference_has_a_section_for_every_type_with_a_row_for_every_member()
    {
        var markdown = PolicyDocs.RenderMarkdown();
        var sections = markdown.Split("\n## ").Skip(1).ToDictionary(s => s[..s.IndexOf('\n', StringComparison.Ordinal)], s => s);
        var schema = PolicySchema.Schema.AsObject();
        var types = schema["$defs"]!.AsObject().Select(d => (d.Key, d.Value!.AsObject())).Prepend(("PolicyDocument", schema));

        foreach (var (name, type) in types)
        {
            Assert.True(sections.TryGetValue(name, out var section), $"no section for {name}");
            Assert.Contains(type["description"]!.GetValue<string>(), section, StringComparison.Ordinal);
            var required = type["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var (member, memberSchema) in type["properties"]!.AsObject())
            {
                var row = section.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{member}` |", StringComparison.Ordinal));
                Assert.True(row is not null, $"no row for {name}.{member}");
                var cells = row.Split(" | ");
                Assert.Equal(required.Contains(member) ? "yes" : "no", cells[2]);
                Assert.Equal(memberSchema!["description"]!.GetValue<string>().Replace("|", "\\|", StringComparison.Ordinal), cells[3]);
            }
        }
    }

    [Fact]
    public void The_reference_shows_constraints_and_where_each_type_is_used()
    {
        var markdown = PolicyDocs.RenderMarkdown();

        Assert.Contains("| `share` | number | yes | The share applied, 0 < share ≤ 1 (e.g. 0.7). | > 0; ≤ 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `code` | string | yes | Code used by surveys and rules, lower-case, e.g. industrial. | matches `^[a-z0-9][a-z0-9-]*$` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `status` | string (enum) | no | Status: in force, pilot, or draft for comment. | one of `inForce`, `pilot`, `draftForComment`; default `\"inForce\"` |", markdown, StringComparison.Ordinal);
        Assert.Contains("Exactly one of: `allOf`, `anyOf`, `not`, `flag`, `landUseIn`, `attributeIn`, `compare`, `ratio`, `duration`.", markdown, StringComparison.Ordinal);
        Assert.Contains("Path: `$.screening.preconditions[*].rule`; used by `NamedRule.rule`, `Rule.allOf[*]`, `Rule.anyOf[*]`, `Rule.not`, `ReviewChain.when`, `PlanGate.when`, `PlanCondition.rule`.", markdown, StringComparison.Ordinal);
        Assert.Contains("| `issued` | date (string, yyyy-MM-dd) | no |", markdown, StringComparison.Ordinal);
    }

    private static void AssertCommitted(string fileName, string generated)
    {
        var path = Path.Combine(RepoPaths.Root, "shared", "Policies", fileName);
        if (Update)
        {
            File.WriteAllText(path, generated);
            return;
        }

        var committed = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        Assert.True(
            committed == generated,
            $"shared/Policies/{fileName} is {(committed is null ? "missing" : "out of date")}: it is generated from the policy model. " +
            $"Regenerate it with: {PolicyDocs.RegenerateHint} — then review and commit the change.");
    }
}
