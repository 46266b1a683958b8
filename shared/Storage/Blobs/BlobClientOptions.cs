namespace LandRedevelopment.Storage.Blobs;

/// <summary>Options for the blob clients: service version, retries, diagnostics and transport.</summary>
public class BlobClientOptions : StorageClientOptions
{
    /// <summary>The Blob service REST version these clients are written against (also the default SAS version).</summary>
    public const string DefaultServiceVersion = "2025-11-05";

    /// <summary>Creates options with <see cref="DefaultServiceVersion"/> and the storage retry defaults.</summary>
    public BlobClientOptions()
        : base(DefaultServiceVersion)
    {
    }
}
