using LandRedevelopment.Outbox;

namespace LandRedevelopment.Review.Durable;

/// <summary>What firing a case timer did.</summary>
public enum TimerFiring
{
    /// <summary>Not due yet by the service's clock: wait and fire it again.</summary>
    NotDue,

    /// <summary>It fired and changed its case.</summary>
    Applied,

    /// <summary>Nothing to do: cancelled, fired before, or no longer relevant.</summary>
    Unchanged,
}

/// <summary>A part of a case that owns some of its timer rows (the review, the payments) and fires them.</summary>
public interface ICaseTimerOwner
{
    /// <summary>Whether the timer row <paramref name="key"/> is this owner's.</summary>
    bool Owns(string key);

    /// <summary>Fires the timer row <paramref name="key"/> of a case, as indexed to fall due at <paramref name="dueAt"/>.</summary>
    /// <remarks>A timer the case now lists later than <paramref name="dueAt"/> was moved, and has an index entry of its own at the later time: this one is stale.</remarks>
    Task<TimerFiring> FireAsync(string tenantId, string caseId, string key, DateTimeOffset dueAt, CancellationToken ct);
}

/// <summary>Fires a durable timer through whichever part of the case owns it.</summary>
public sealed class CaseTimers(IEnumerable<ICaseTimerOwner> owners)
{
    private readonly IReadOnlyList<ICaseTimerOwner> _owners = owners.ToList();

    /// <summary>Fires <paramref name="timer"/>; a timer no owner knows is <see cref="TimerFiring.Unchanged"/>.</summary>
    public async Task<TimerFiring> FireAsync(DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var owner = _owners.FirstOrDefault(o => o.Owns(timer.TimerKey));
        return owner is null ? TimerFiring.Unchanged : await owner.FireAsync(timer.TenantId, timer.CaseId, timer.TimerKey, timer.DueAt, ct).ConfigureAwait(false);
    }
}
