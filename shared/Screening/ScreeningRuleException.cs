namespace LandRedevelopment.Screening;

/// <summary>
/// A policy rule that cannot be evaluated: malformed (not exactly one member or comparator set) or
/// reading an attribute as the wrong type. A defect of the policy or of the survey's typing, never
/// a verdict about the parcel, so it is raised rather than screened as "not met".
/// </summary>
public sealed class ScreeningRuleException : InvalidOperationException
{
    /// <summary>Creates the error for the rule with the given id.</summary>
    public ScreeningRuleException(string ruleId, string reason, Exception? inner = null)
        : base($"Rule '{ruleId}' cannot be evaluated: {reason}", inner)
    {
        RuleId = ruleId;
    }

    /// <summary>The id of the rule (or review chain) at fault.</summary>
    public string RuleId { get; }
}
