using Azure;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Tables;

/// <summary>Entity-group transactions against a real Azurite, plus the client-side checks that stop a bad batch before it is sent.</summary>
public class TableTransactionTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(fixture.ConnectionString, AzuriteFixture.UniqueName("t"));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    private static async Task<List<string?>> RowKeysAsync(TableClient table) =>
        (await table.QueryAsync().ToListAsync()).Select(e => e.RowKey).Order().ToList();

    [Fact]
    public async Task A_mixed_transaction_applies_every_action_and_reports_each_status_and_ETag()
    {
        var table = await NewTableAsync();
        var mergeMe = (await table.AddEntityAsync(new TableEntity("p", "merge") { ["A"] = 1, ["B"] = 1 })).Headers.ETag!.Value;
        var replaceMe = (await table.AddEntityAsync(new TableEntity("p", "replace") { ["A"] = 1, ["B"] = 1 })).Headers.ETag!.Value;
        var deleteMe = (await table.AddEntityAsync(new TableEntity("p", "delete"))).Headers.ETag!.Value;
        await table.AddEntityAsync(new TableEntity("p", "upsert") { ["A"] = 1, ["B"] = 1 });

        var result = await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "add") { ["A"] = 1 }),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merge") { ["A"] = 2 }, mergeMe),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["A"] = 2 }, replaceMe),
            new(TableTransactionActionType.Delete, new TableEntity("p", "delete"), deleteMe),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upsert") { ["A"] = 2 }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "new") { ["A"] = 2 }),
        ]);

        Assert.Equal(202, result.GetRawResponse().Status);
        Assert.Equal([204, 204, 204, 204, 204, 204], result.Value.Select(r => r.Status));
        Assert.Equal(["add", "merge", "new", "replace", "upsert"], await RowKeysAsync(table));
        string[] written = ["add", "merge", "replace", "upsert", "new"];
        int[] writeIndexes = [0, 1, 2, 4, 5];
        for (var i = 0; i < written.Length; i++)
        {
            var entity = (await table.GetEntityAsync("p", written[i])).Value;
            Assert.Equal(2 - (i == 0 ? 1 : 0), entity.GetInt32("A"));
            Assert.Equal(entity.ETag, result.Value[writeIndexes[i]].Headers.ETag); // each write's new version is reported
        }

        Assert.Equal(1, (await table.GetEntityAsync("p", "merge")).Value.GetInt32("B"));
        Assert.False((await table.GetEntityAsync("p", "replace")).Value.ContainsKey("B"));
        Assert.Equal(1, (await table.GetEntityAsync("p", "upsert")).Value.GetInt32("B"));
    }

    [Fact]
    public async Task A_transaction_whose_second_action_adds_an_existing_row_fails_at_index_1_and_applies_nothing()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "existing") { ["V"] = 1 });

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "first")),
            new(TableTransactionActionType.Add, new TableEntity("p", "existing") { ["V"] = 2 }),
            new(TableTransactionActionType.Add, new TableEntity("p", "third")),
        ]));

        // Azurite 3.35 answers 202 whose changeset holds one part only, "HTTP/1.1 409 Conflict" with Content-ID: 2
        // (one-based, though the request sent none) and the odata.error message prefixed "1:" (zero-based, as Azure does).
        Assert.Equal(1, e.FailedTransactionActionIndex);
        Assert.Equal(409, e.Status);
        Assert.Equal("EntityAlreadyExists", e.ErrorCode);
        var failed = e.GetRawResponse()!;
        Assert.Equal(409, failed.Status);
        Assert.True(failed.Headers.TryGetValue("Content-ID", out var contentId));
        Assert.Equal("2", contentId);
        Assert.StartsWith("1:The specified entity already exists.", e.Message, StringComparison.Ordinal);
        Assert.Equal(["existing"], await RowKeysAsync(table));
        Assert.Equal(1, (await table.GetEntityAsync("p", "existing")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task A_stale_If_Match_inside_a_transaction_fails_412_at_its_index_and_rolls_back_the_whole_batch()
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(new TableEntity("p", "target") { ["V"] = 1 })).Headers.ETag!.Value;
        await table.UpsertEntityAsync(new TableEntity("p", "target") { ["V"] = 2 });
        var before = (await table.GetEntityAsync("p", "target")).Value;
        await table.AddEntityAsync(new TableEntity("p", "doomed"));

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "added")),
            new(TableTransactionActionType.Delete, new TableEntity("p", "doomed")),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "target") { ["V"] = 3 }, stale),
        ]));

        // Pinned Azurite 3.35 behaviour: the stale ETag is enforced inside the batch (not ignored). The answer is 202
        // whose changeset holds one part only, "HTTP/1.1 412 Precondition Failed" with Content-ID: 3, code
        // UpdateConditionNotSatisfied and message "2:..."; the add and the delete that ran before it are rolled back.
        Assert.Equal(2, e.FailedTransactionActionIndex);
        Assert.Equal(412, e.Status);
        Assert.Equal("UpdateConditionNotSatisfied", e.ErrorCode);
        var failed = e.GetRawResponse()!;
        Assert.Equal(412, failed.Status);
        Assert.True(failed.Headers.TryGetValue("Content-ID", out var contentId));
        Assert.Equal("3", contentId);
        Assert.StartsWith("2:The update condition specified in the request was not satisfied.", e.Message, StringComparison.Ordinal);
        Assert.Equal(["doomed", "target"], await RowKeysAsync(table));
        var after = (await table.GetEntityAsync("p", "target")).Value;
        Assert.Equal(2, after.GetInt32("V"));
        Assert.Equal(before.ETag, after.ETag);
    }

    [Fact]
    public async Task A_current_If_Match_inside_a_transaction_succeeds()
    {
        var table = await NewTableAsync();
        var current = (await table.AddEntityAsync(new TableEntity("p", "target") { ["V"] = 1 })).Headers.ETag!.Value;

        var result = await table.SubmitTransactionAsync([new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "target") { ["V"] = 2 }, current)]);

        Assert.Equal(204, Assert.Single(result.Value).Status);
        Assert.Equal(2, (await table.GetEntityAsync("p", "target")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task Transactions_breaking_the_rules_throw_ArgumentException_before_any_request()
    {
        var handler = new RecordingHandler();
        var table = new TableClient(new Uri("https://acct.table.core.windows.net"), "orders",
            new StorageSharedKeyCredential("acct", Convert.ToBase64String(new byte[32])), handler.Options());
        TableTransactionAction Add(string pk, string rk) => new(TableTransactionActionType.Add, new TableEntity(pk, rk));

        var tooMany = await Assert.ThrowsAsync<ArgumentException>(
            () => table.SubmitTransactionAsync(Enumerable.Range(0, 101).Select(i => Add("p", i.ToString()))));
        var crossPartition = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([Add("p", "1"), Add("q", "2")]));
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([]));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync([Add("p", "1"), Add("p", "1")]));

        Assert.Contains("at most 100", tooMany.Message);
        Assert.Contains("PartitionKey", crossPartition.Message);
        Assert.Contains("at least one", empty.Message);
        Assert.Contains("only once", twice.Message);
        Assert.Empty(handler.Requests);

        // Exactly 100 passes validation and reaches the wire (the fake answers 204 where Azure says 202, hence the exception).
        var sent = await Record.ExceptionAsync(() => table.SubmitTransactionAsync(Enumerable.Range(0, 100).Select(i => Add("p", i.ToString()))));
        Assert.IsType<RequestFailedException>(sent);
        Assert.Single(handler.Requests);
    }
}
