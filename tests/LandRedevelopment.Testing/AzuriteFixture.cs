using LandRedevelopment.Storage;

namespace LandRedevelopment.Testing;

/// <summary>
/// One real Azurite for the whole test assembly, on free loopback ports, data in memory.
/// Test classes take it as <c>IClassFixture&lt;AzuriteFixture&gt;</c>; it starts once and is killed at exit.
/// </summary>
public sealed class AzuriteFixture
{
    private static readonly Lazy<Task<AzuriteServer>> Shared = new(() => AzuriteServer.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    public AzuriteFixture() => Server = Shared.Value.GetAwaiter().GetResult();

    public AzuriteServer Server { get; }

    public string ConnectionString => Server.ConnectionString;

    public StorageConnectionString Parsed => StorageConnectionString.Parse(ConnectionString);

    /// <summary>A name no other test uses: lower-case letters and digits, valid for tables, queues and containers.</summary>
    public static string UniqueName(string prefix) =>
        (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(prefix.Length + 16, 63)].ToLowerInvariant();
}

/// <summary>An Azurite process (blob, queue and table) on three free ports.</summary>
public sealed class AzuriteServer : IDisposable
{
    private AzuriteServer(ChildProcess process, int blobPort, int queuePort, int tablePort, string location)
    {
        Process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        Location = location;
    }

    public ChildProcess Process { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string Location { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;" +
        $"AccountName={StorageConnectionString.DevelopmentAccountName};AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{StorageConnectionString.DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{StorageConnectionString.DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{StorageConnectionString.DevelopmentAccountName};";

    /// <summary>
    /// Starts Azurite; with <paramref name="location"/> its data lives on disk there (survives a restart), otherwise in
    /// memory; on <paramref name="ports"/> when given (e.g. the ports an app was already told about), else on free ones.
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(string? location = null, (int Blob, int Queue, int Table)? ports = null)
    {
        var script = RepoPaths.NodeBin("azurite", Path.Combine("dist", "src", "azurite.js"));
        var (blob, queue, table) = ports ?? (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        var dir = location ?? Path.Combine(Path.GetTempPath(), "azurite-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var args = new List<string>
        {
            "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // Azurite refuses --location together with --inMemoryPersistence; in memory it runs in dir so nothing lands in the repo.
        args.AddRange(location is null ? ["--inMemoryPersistence"] : ["--location", dir]);

        var process = ChildProcess.StartNode(script, args, dir);
        var timeout = TimeSpan.FromSeconds(60);
        await Loopback.WaitForPortAsync(blob, process, timeout, "Azurite blob");
        await Loopback.WaitForPortAsync(queue, process, timeout, "Azurite queue");
        await Loopback.WaitForPortAsync(table, process, timeout, "Azurite table");
        return new AzuriteServer(process, blob, queue, table, dir);
    }

    public void Dispose() => Process.Dispose();
}
