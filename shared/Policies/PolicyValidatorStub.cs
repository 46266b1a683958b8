using System.Text.Json;

namespace LandRedevelopment.Policies;

// Temporary stand-in until the schema-based validator lands; same shape.
public sealed record PolicyError(string Path, string Message);

public sealed record PolicyValidationResult(IReadOnlyList<PolicyError> Errors, PolicyDocument? Policy)
{
    public bool IsValid => Errors.Count == 0;
}

public static class PolicyValidator
{
    public static PolicyValidationResult Validate(JsonElement document)
    {
        try
        {
            return new([], document.Deserialize<PolicyDocument>(PolicyJson.Options));
        }
        catch (JsonException e)
        {
            return new([new PolicyError(e.Path ?? "$", e.Message)], null);
        }
    }
}
