using Azure;

namespace LandRedevelopment.Storage.Tables;

/// <summary>What one action of an entity-group transaction does.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails with 409 if the entity exists.</summary>
    Add,

    /// <summary>Delete; fails with 404 if absent or 412 if the ETag no longer matches.</summary>
    Delete,

    /// <summary>Merge into an existing entity (If-Match).</summary>
    UpdateMerge,

    /// <summary>Replace an existing entity (If-Match).</summary>
    UpdateReplace,

    /// <summary>Insert, or merge into the entity if it exists; unconditional.</summary>
    UpsertMerge,

    /// <summary>Insert, or replace the entity if it exists; unconditional.</summary>
    UpsertReplace,
}

/// <summary>One action of an entity-group transaction (<see cref="TableClient.SubmitTransactionAsync"/>).</summary>
public sealed class TableTransactionAction
{
    /// <summary>Creates the action.</summary>
    /// <param name="actionType">What to do.</param>
    /// <param name="entity">The entity; for a delete only its keys are used.</param>
    /// <param name="etag">
    /// The <c>If-Match</c> condition of <see cref="TableTransactionActionType.Delete"/>,
    /// <see cref="TableTransactionActionType.UpdateMerge"/> and <see cref="TableTransactionActionType.UpdateReplace"/>;
    /// <c>default</c> means <see cref="ETag.All"/> (unconditional). Adds and upserts ignore it.
    /// </param>
    public TableTransactionAction(TableTransactionActionType actionType, TableEntity entity, ETag etag = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ActionType = actionType;
        Entity = entity;
        ETag = etag;
    }

    /// <summary>What the action does.</summary>
    public TableTransactionActionType ActionType { get; }

    /// <summary>The entity it acts on.</summary>
    public TableEntity Entity { get; }

    /// <summary>The <c>If-Match</c> condition, where the action type has one.</summary>
    public ETag ETag { get; }
}
