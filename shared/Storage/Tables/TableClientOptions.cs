namespace LandRedevelopment.Storage.Tables;

/// <summary>Options for <see cref="TableServiceClient"/> and <see cref="TableClient"/>.</summary>
public class TableClientOptions : StorageClientOptions
{
    /// <summary>The Table service REST version sent by default (the one the official SDK pins for the JSON protocol).</summary>
    public const string DefaultServiceVersion = "2019-02-02";

    /// <summary>Creates options with <see cref="DefaultServiceVersion"/> and the storage retry defaults.</summary>
    public TableClientOptions()
        : base(DefaultServiceVersion)
    {
    }
}
