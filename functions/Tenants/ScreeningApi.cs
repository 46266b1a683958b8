using System.Globalization;
using System.Text.Json;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using LandRedevelopment.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Tenants;

/// <summary>A screening preview: the outcome, the chain a case would enter, and the policy version used.</summary>
public sealed record ScreeningPreview(int PolicyVersion, ScreeningResult Screening, string ReviewChainId, string ReviewChainName);

/// <summary>
/// <c>POST /api/t/{tenant}/screenings</c>: screens parcel facts against the tenant's current policy
/// without creating anything, so a field team can check a survey before submitting it.
/// </summary>
public static class ScreeningApi
{
    public static RouteGroupBuilder MapScreeningApi(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/screenings", Preview).WithName("PreviewScreening")
            .WithSummary("Screens parcel facts against the tenant's current policy; stores nothing.")
            .Accepts<JsonElement>("application/json").ProducesProblem(400).ProducesProblem(415);
        return tenant;
    }

    internal static async Task<Results<Ok<ScreeningPreview>, ProblemHttpResult>> Preview(string tenant, HttpRequest request, TenantDirectory directory, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var stored = await directory.GetPolicyAsync(tenant, null, ct);
        var policy = JsonSerializer.Deserialize<PolicyDocument>(stored.Json, PolicyJson.Options)!;
        var (input, errors) = ReadInput(body, policy);
        if (errors.Count > 0)
        {
            return RequestProblems.Validation(errors);
        }

        var result = ScreeningEngine.Screen(policy, input!);
        var chain = ReviewChainSelector.Select(policy.Review.DeterminationChains, input!);
        return TypedResults.Ok(new ScreeningPreview(stored.Version, result, chain.Id, chain.Name));
    }

    /// <summary>Reads parcel facts, checking each against the policy; every bad field is reported.</summary>
    public static (ScreeningInput? Input, List<FieldError> Errors) ReadInput(JsonElement body, PolicyDocument policy, string path = "$")
    {
        ArgumentNullException.ThrowIfNull(policy);
        var fields = new JsonFields(body, path);
        if (!fields.IsObject)
        {
            return (null, fields.Errors);
        }

        fields.OnlyKnown("landUse", "district", "zone", "surveyedOn", "parcelAreaM2", "attributes");
        var landUses = policy.LandUses.Select(l => l.Code).ToList();
        var landUse = fields.String("landUse", required: true, maxLength: 64, landUses.Contains, "one of the policy's land uses: " + string.Join(", ", landUses));
        var district = fields.String("district", required: true, maxLength: 64);
        var zone = fields.String("zone", required: false, maxLength: 64);
        var surveyed = fields.String("surveyedOn", required: true, maxLength: 10,
            s => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), "a date yyyy-MM-dd");
        var area = fields.Number("parcelAreaM2", required: false, 0, 1e9);
        var attributes = fields.Object("attributes", required: false) is { } values
            ? ReadAttributes(values, policy, $"{path}.attributes", fields.Errors)
            : new Dictionary<string, AttributeValue>(StringComparer.Ordinal);

        if (fields.Errors.Count > 0)
        {
            return (null, fields.Errors);
        }

        return (new ScreeningInput
        {
            LandUse = landUse!,
            District = district!,
            Zone = zone,
            SurveyedOn = DateOnly.ParseExact(surveyed!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            ParcelAreaM2 = area is null ? null : (decimal)area.Value,
            Attributes = attributes,
        }, fields.Errors);
    }

    /// <summary>Reads a survey's attributes against the policy's definitions; every bad one is reported.</summary>
    public static Dictionary<string, AttributeValue> ReadAttributes(JsonElement values, PolicyDocument policy, string path, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return ReadAttributes(values, policy.Attributes, path, errors, "is not an attribute of the tenant's policy");
    }

    /// <summary>Reads an attributes object against <paramref name="definitions"/>; a name not among them is refused with <paramref name="unknownRule"/>.</summary>
    public static Dictionary<string, AttributeValue> ReadAttributes(JsonElement values, IReadOnlyList<AttributeDefinition> definitions, string path, List<FieldError> errors, string unknownRule)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(errors);
        var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        var declared = definitions.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var property in values.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            if (!declared.TryGetValue(property.Name, out var definition))
            {
                errors.Add(new FieldError(at, unknownRule));
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (definition.Type == AttributeType.String && property.Value.ValueKind == JsonValueKind.String
                && property.Value.GetString()!.Length > AttributeValue.MaxStringLength)
            {
                errors.Add(new FieldError(at, $"must be a string of at most {AttributeValue.MaxStringLength} characters"));
                continue;
            }

            try
            {
                var value = AttributeValue.FromJson(property.Value, definition.Type);
                if (definition.Type == AttributeType.Number && OutOfBounds(value.AsNumber(), definition) is { } bound)
                {
                    errors.Add(new FieldError(at, bound));
                    continue;
                }

                attributes[property.Name] = value;
            }
            catch (AttributeValueException)
            {
                errors.Add(new FieldError(at, $"must be a {TypeWord(definition.Type)}"));
            }
        }

        return attributes;
    }

    // The policy's bounds of a number, as the rule a value breaks (e.g. an area below 0).
    private static string? OutOfBounds(decimal value, AttributeDefinition definition) =>
        value < definition.Minimum ? $"must be at least {definition.Minimum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}{Unit(definition)} (the policy's minimum for {definition.Name})"
        : value > definition.Maximum ? $"must be at most {definition.Maximum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}{Unit(definition)} (the policy's maximum for {definition.Name})"
        : null;

    private static string Unit(AttributeDefinition definition) => definition.Unit is { } unit ? " " + unit : "";

    private static string TypeWord(AttributeType type) => type switch
    {
        AttributeType.Boolean => "boolean (true or false)",
        AttributeType.Number => "number",
        AttributeType.Date => "date yyyy-MM-dd",
        _ => "string",
    };
}
