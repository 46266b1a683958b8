using LandRedevelopment.Policies;

namespace LandRedevelopment.Screening;

/// <summary>Chooses the review chain a parcel (or a plan) goes through, from the policy's data.</summary>
public static class ReviewChainSelector
{
    /// <summary>
    /// The first chain whose <c>when</c> holds for the input; otherwise the last chain without a
    /// <c>when</c> (the default). A <c>when</c> over a missing fact does not hold, so an unreported
    /// zone or flag falls back to the default chain instead of a special one.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <c>when</c> holds and there is no default chain.</exception>
    /// <exception cref="ScreeningRuleException">A <c>when</c> is malformed.</exception>
    public static ReviewChain Select(IReadOnlyList<ReviewChain> chains, ScreeningInput input)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(input);
        foreach (var chain in chains)
        {
            if (chain.When is { } when && ScreeningEngine.Holds(when, input, chain.Id))
            {
                return chain;
            }
        }

        return chains.LastOrDefault(c => c.When is null)
            ?? throw new InvalidOperationException(
                $"No review chain applies: none of [{string.Join(", ", chains.Select(c => c.Id))}] holds and none is a default without 'when'.");
    }
}
