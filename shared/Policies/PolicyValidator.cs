using System.Text.Json;

namespace LandRedevelopment.Policies;

/// <summary>The outcome of validating a policy document: every error found, and the policy when there is none.</summary>
public sealed class PolicyValidationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="errors">Every error found.</param>
    /// <param name="policy">The policy read from the document, when it could be read.</param>
    /// <param name="wellFormed">Whether the document had the right shape, so that <paramref name="errors"/> are all semantic.</param>
    public PolicyValidationResult(IReadOnlyList<PolicyError> errors, PolicyDocument? policy, bool wellFormed = true)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Errors = errors;
        Policy = errors.Count == 0 ? policy : null;
        IsWellFormed = wellFormed;
    }

    /// <summary>
    /// True when the document matched the schema and could be read, so that any error is one the schema cannot say
    /// (members that make no sense together, ids that are not unique, …): a well-formed document the service cannot take.
    /// </summary>
    public bool IsWellFormed { get; }

    /// <summary>True when the document has no errors.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Every error, structural ones in document order, else the semantic ones.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    /// <summary>The policy, only when the document is valid: an invalid policy is never handed out to be used.</summary>
    public PolicyDocument? Policy { get; }
}

/// <summary>
/// Validates a policy document: first against <see cref="PolicySchema"/> (shape, types, bounds), then, when the
/// shape is right, the rules a schema cannot say (unique ids, attributes that exist and have the right type, one
/// default review chain, instalment shares that add up, …). All errors are reported together, each with its
/// JSON path, so that a city's administrator can fix a document in one go.
/// </summary>
public static class PolicyValidator
{
    /// <summary>Validates a policy document.</summary>
    public static PolicyValidationResult Validate(JsonElement document)
    {
        var structural = PolicySchema.Validator.Validate(document);
        if (structural.Count > 0)
        {
            return new PolicyValidationResult(structural, null, wellFormed: false);
        }

        PolicyDocument? policy;
        try
        {
            policy = document.Deserialize<PolicyDocument>(PolicyJson.Options);
        }
        catch (JsonException e)
        {
            // The schema should refuse whatever the reader does; this is the backstop for the odd value it
            // cannot say, such as an integer beyond the range of an int.
            return new PolicyValidationResult([new PolicyError(e.Path ?? "$", "cannot be read: " + FirstSentence(e.Message))], null, wellFormed: false);
        }

        if (policy is null)
        {
            return new PolicyValidationResult([new PolicyError("$", "must be an object")], null, wellFormed: false);
        }

        return new PolicyValidationResult(Check(policy), policy);
    }

    /// <summary>Validates a policy document given as JSON text; text that is not JSON is one error at <c>$</c>.</summary>
    public static PolicyValidationResult Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return new PolicyValidationResult([new PolicyError("$", "is not valid JSON: " + e.Message)], null, wellFormed: false);
        }

        using (parsed)
        {
            return Validate(parsed.RootElement);
        }
    }

    /// <summary>
    /// The semantic checks alone, on a policy already read (or built in code), with the JSON paths the same policy
    /// would have as a document. The structural limits the schema also enforces (shares, tolerance, exactly one
    /// member of a rule) are checked here too, since a policy built in code never went through the schema.
    /// </summary>
    public static IReadOnlyList<PolicyError> Check(PolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicySemantics(policy).Run();
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
