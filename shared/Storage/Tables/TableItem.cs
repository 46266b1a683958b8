namespace LandRedevelopment.Storage.Tables;

/// <summary>A table in the account, as listed by <see cref="TableServiceClient.QueryAsync"/>.</summary>
public sealed class TableItem
{
    /// <summary>Creates the item for a table name.</summary>
    public TableItem(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The table name.</summary>
    public string Name { get; }
}

/// <summary>How an update or upsert treats properties the stored entity has but the sent entity lacks.</summary>
public enum TableUpdateMode
{
    /// <summary>Keep them: only the sent properties change (HTTP MERGE).</summary>
    Merge,

    /// <summary>Drop them: the stored entity becomes exactly the sent one (HTTP PUT).</summary>
    Replace,
}
