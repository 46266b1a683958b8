using System.Globalization;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// Everything the service keeps, as text lines: every row of every table with its properties (not the service's
/// Timestamp or ETag) and every committed blob of every container (name, size, Content-MD5, ETag). Two snapshots are
/// equal when nothing was written in between. The local trigger runner's own bookkeeping (<c>azure-webjobs-hosts</c>:
/// timer schedule status, rewritten as the sweeper timer fires) is no effect of a request and is left out; so are the
/// outbox marks (<c>outboxmarks</c>: which case partitions the sweeper should look at for undelivered outbox rows), which
/// the sweeper removes on its own schedule. The outbox rows themselves are kept. So are the rows that record which policy
/// validity notices went out (<see cref="LandRedevelopment.Review.Durable.PolicyValidityNotices.RowPrefix"/>): the hourly
/// check writes them on the calendar's schedule, whatever requests come.
/// </summary>
public sealed class StorageSnapshot
{
    /// <summary>Between the parts of a line: table, partition key, row key, properties; or container, blob name, size, MD5, ETag.</summary>
    public const string Separator = " ¦ ";

    private static readonly string[] IgnoredContainers = ["azure-webjobs-hosts"];

    private static readonly string[] IgnoredTables = [LandRedevelopment.Outbox.OutboxMarks.TableName];

    private StorageSnapshot(SortedSet<string> lines) => Lines = lines;

    public SortedSet<string> Lines { get; }

    public int Tables => Lines.Select(l => l.Split(Separator)[0]).Where(l => l.StartsWith("table:", StringComparison.Ordinal)).Distinct().Count();

    public int Rows => Lines.Count(l => l.StartsWith("table:", StringComparison.Ordinal));

    public int Blobs => Lines.Count(l => l.StartsWith("blob:", StringComparison.Ordinal));

    public static async Task<StorageSnapshot> TakeAsync(string connectionString)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            if (IgnoredTables.Contains(table.Name))
            {
                continue;
            }

            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync())
            {
                if (row.RowKey!.StartsWith(LandRedevelopment.Review.Durable.PolicyValidityNotices.RowPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var properties = row.Where(p => p.Key is not ("Timestamp" or "PartitionKey" or "RowKey"))
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={Format(p.Value)}");
                lines.Add(string.Join(Separator, "table:" + table.Name, row.PartitionKey, row.RowKey, string.Join(";", properties)));
            }
        }

        var parsed = StorageConnectionString.Parse(connectionString);
        var blobs = new BlobLister(parsed);
        foreach (var container in await blobs.ContainersAsync())
        {
            if (IgnoredContainers.Contains(container))
            {
                continue;
            }

            lines.Add($"container:{container}");
            foreach (var blob in await blobs.BlobsAsync(container))
            {
                lines.Add(string.Join(Separator, "blob:" + container, blob));
            }
        }

        return new StorageSnapshot(lines);
    }

    /// <summary>Takes snapshots a second apart until two agree (work the app finishes in the background, e.g. mail relays, has settled).</summary>
    public static async Task<StorageSnapshot> SettledAsync(string connectionString, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(40));
        var last = await TakeAsync(connectionString);
        while (true)
        {
            await Task.Delay(1000);
            var next = await TakeAsync(connectionString);
            if (next.Lines.SetEquals(last.Lines) || DateTime.UtcNow > deadline)
            {
                return next;
            }

            last = next;
        }
    }

    /// <summary>What changed from <paramref name="before"/> to this snapshot: lines gone (-) and lines new (+); empty when nothing did.</summary>
    public IReadOnlyList<string> Since(StorageSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return before.Lines.Except(Lines).Select(l => "- " + l).Concat(Lines.Except(before.Lines).Select(l => "+ " + l)).ToList();
    }

    public override string ToString() => $"{Tables} tables, {Rows} rows, {Blobs} blobs";

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "bin:" + Convert.ToBase64String(bytes),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>List Containers and List Blobs over REST (the app's thin blob client has no container listing), signed with the account key.</summary>
    private sealed class BlobLister
    {
        private readonly HttpPipeline _pipeline;
        private readonly Uri _endpoint;

        public BlobLister(StorageConnectionString account)
        {
            _endpoint = account.BlobEndpoint;
            _pipeline = HttpPipelineBuilder.Build(new BlobClientOptions(), new SharedKeyAuthenticationPolicy(account.Credential!));
        }

        public async Task<List<string>> ContainersAsync()
        {
            var names = new List<string>();
            await foreach (var e in ListAsync("comp=list", "Containers", "Container"))
            {
                names.Add(e.Element("Name")!.Value);
            }

            return names;
        }

        public async Task<List<string>> BlobsAsync(string container)
        {
            var blobs = new List<string>();
            await foreach (var e in ListAsync($"restype=container&comp=list", "Blobs", "Blob", container))
            {
                var p = e.Element("Properties")!;
                blobs.Add(string.Join(Separator, e.Element("Name")!.Value, p.Element("Content-Length")?.Value, "md5=" + p.Element("Content-MD5")?.Value, p.Element("Etag")?.Value));
            }

            return blobs;
        }

        private async IAsyncEnumerable<XElement> ListAsync(string query, string list, string item, string? container = null)
        {
            string? marker = null;
            do
            {
                var url = _endpoint.ToString().TrimEnd('/') + "/" + (container ?? "") + "?" + query + (marker is null ? "" : "&marker=" + Uri.EscapeDataString(marker));
                using var message = _pipeline.CreateMessage();
                message.Request.Method = RequestMethod.Get;
                message.Request.Uri.Reset(new Uri(url));
                message.Request.Headers.SetValue("x-ms-version", "2021-12-02");
                await _pipeline.SendAsync(message, CancellationToken.None);
                var response = message.Response;
                var xml = XDocument.Parse(response.Content.ToString());
                Assert.True(response.Status == 200, $"listing {container}: {response.Status} {xml}");
                foreach (var e in xml.Root!.Element(list)?.Elements(item) ?? [])
                {
                    yield return e;
                }

                marker = xml.Root.Element("NextMarker")?.Value is { Length: > 0 } next ? next : null;
            }
            while (marker is not null);
        }
    }
}
