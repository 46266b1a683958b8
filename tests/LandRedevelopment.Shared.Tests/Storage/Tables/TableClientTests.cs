using Azure;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Tables;

/// <summary>Single-entity operations and queries against a real Azurite; every test owns its table.</summary>
public class TableClientTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(fixture.ConnectionString, AzuriteFixture.UniqueName("t"));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    private static async Task<List<Page<TableEntity>>> PagesAsync(AsyncPageable<TableEntity> pageable)
    {
        var pages = new List<Page<TableEntity>>();
        await foreach (var page in pageable.AsPages())
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public async Task CreateIfNotExists_twice_creates_then_reports_the_existing_table_without_throwing()
    {
        var table = new TableClient(fixture.ConnectionString, AzuriteFixture.UniqueName("t"));

        var first = await table.CreateIfNotExistsAsync();
        var second = await table.CreateIfNotExistsAsync();

        Assert.Equal(204, first.GetRawResponse().Status);
        Assert.Equal(409, second.GetRawResponse().Status);
        Assert.Equal(table.Name, first.Value.Name);
        Assert.Equal(table.Name, second.Value.Name);
        await table.AddEntityAsync(new TableEntity("p", "r")); // the table really exists
    }

    [Fact]
    public async Task Every_typed_property_round_trips_with_its_type()
    {
        var table = await NewTableAsync();
        var when = new DateTime(2026, 11, 22, 2, 3, 4, DateTimeKind.Utc).AddTicks(1234567);
        var id = Guid.NewGuid();
        const long beyondDoublePrecision = (1L << 53) + 1;
        var entity = new TableEntity("p", "r")
        {
            ["Text"] = "土地再开发 — it's \"quoted\"",
            ["Int"] = 42,
            ["NegativeInt"] = int.MinValue,
            ["Long"] = beyondDoublePrecision,
            ["WholeDouble"] = 2.0,
            ["Fraction"] = 0.1,
            ["NotANumber"] = double.NaN,
            ["Infinite"] = double.NegativeInfinity,
            ["Flag"] = true,
            ["When"] = when,
            ["WhenOffset"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(8)),
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
            ["Data"] = BinaryData.FromBytes([9, 8, 7]),
            ["Nothing"] = null,
        };

        var added = await table.AddEntityAsync(entity);
        var read = (await table.GetEntityAsync("p", "r")).Value;

        Assert.Equal("土地再开发 — it's \"quoted\"", read.GetString("Text"));
        Assert.IsType<int>(read["Int"]);
        Assert.Equal(42, read.GetInt32("Int"));
        Assert.Equal(int.MinValue, read.GetInt32("NegativeInt"));
        Assert.IsType<long>(read["Long"]);
        Assert.Equal(beyondDoublePrecision, read.GetInt64("Long"));
        Assert.IsType<double>(read["WholeDouble"]);
        Assert.Equal(2.0, read.GetDouble("WholeDouble"));
        Assert.Equal(0.1, read.GetDouble("Fraction"));
        Assert.True(double.IsNaN(read.GetDouble("NotANumber")!.Value));
        Assert.Equal(double.NegativeInfinity, read.GetDouble("Infinite"));
        Assert.Equal(true, read.GetBoolean("Flag"));
        Assert.Equal(when, read.GetDateTime("When"));
        Assert.Equal(DateTimeKind.Utc, read.GetDateTime("When")!.Value.Kind);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 19, 4, 5, TimeSpan.Zero), read.GetDateTimeOffset("WhenOffset"));
        Assert.Equal(id, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, read.GetBinary("Bytes"));
        Assert.Equal(new byte[] { 9, 8, 7 }, read.GetBinary("Data"));
        Assert.False(read.ContainsKey("Nothing"));
        Assert.Equal("p", read.PartitionKey);
        Assert.Equal("r", read.RowKey);
        Assert.NotNull(read.Timestamp);
        Assert.NotEqual(default, read.ETag);
        Assert.Equal(added.Headers.ETag, read.ETag);
    }

    [Fact]
    public async Task Keys_with_quotes_spaces_percent_and_Chinese_address_the_right_entity()
    {
        var table = await NewTableAsync();
        const string pk = "租户 'A' 100%";
        const string rk = "row's key";
        await table.AddEntityAsync(new TableEntity(pk, rk) { ["V"] = 1 });
        await table.AddEntityAsync(new TableEntity(pk, "other") { ["V"] = 2 });

        var read = await table.GetEntityAsync(pk, rk);
        var queried = await table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey eq {rk}")).ToListAsync();
        var deleted = await table.DeleteEntityAsync(pk, rk);

        Assert.Equal(1, read.Value.GetInt32("V"));
        Assert.Equal(rk, Assert.Single(queried).RowKey);
        Assert.Equal(204, deleted.Status);
        Assert.False((await table.GetEntityIfExistsAsync(pk, rk)).HasValue);
        Assert.True((await table.GetEntityIfExistsAsync(pk, "other")).HasValue);
    }

    [Fact]
    public async Task Reading_a_missing_entity_throws_404_but_IfExists_answers_no_value()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "present"));

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p", "absent"));
        var absent = await table.GetEntityIfExistsAsync("p", "absent");
        var present = await table.GetEntityIfExistsAsync("p", "present");

        Assert.Equal(404, e.Status);
        Assert.Equal("ResourceNotFound", e.ErrorCode);
        Assert.False(absent.HasValue);
        Assert.Equal(404, absent.GetRawResponse().Status);
        Assert.Throws<InvalidOperationException>(() => absent.Value);
        Assert.True(present.HasValue);
        Assert.Equal("present", present.Value!.RowKey);
    }

    [Fact]
    public async Task A_missing_table_is_an_error_even_for_IfExists_and_DeleteEntity()
    {
        var table = new TableClient(fixture.ConnectionString, AzuriteFixture.UniqueName("t"));

        var get = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityIfExistsAsync("p", "r"));
        var delete = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r"));

        Assert.Equal((404, "TableNotFound"), (get.Status, get.ErrorCode));
        Assert.Equal((404, "TableNotFound"), (delete.Status, delete.ErrorCode));
    }

    [Fact]
    public async Task Query_filters_with_an_escaped_quote_selects_properties_and_pages_by_top()
    {
        var table = await NewTableAsync();
        foreach (var (row, name) in new[] { ("1", "O'Brien"), ("2", "OBrien"), ("3", "O''Brien"), ("4", "Smith"), ("5", "O'Brien") })
        {
            await table.AddEntityAsync(new TableEntity("p", row) { ["Name"] = name, ["Other"] = "x" + row, ["Age"] = int.Parse(row) });
        }

        await table.AddEntityAsync(new TableEntity("q", "1") { ["Name"] = "O'Brien" });

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {"p"} and Name eq {"O'Brien"}");
        var matches = await table.QueryAsync(filter).ToListAsync();
        var selected = await table.QueryAsync(filter, select: ["Name", "Age"]).ToListAsync();
        var pages = await PagesAsync(table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"p"}"), maxPerPage: 2));

        Assert.Equal(["1", "5"], matches.Select(e => e.RowKey).Order());
        Assert.All(selected, e =>
        {
            Assert.Equal("O'Brien", e.GetString("Name"));
            Assert.IsType<int>(e["Age"]);
            Assert.False(e.ContainsKey("Other"));
        });
        Assert.Equal(2, selected.Count);
        Assert.Equal([2, 2, 1], pages.Select(p => p.Values.Count));
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(["1", "2", "3", "4", "5"], pages.SelectMany(p => p.Values).Select(e => e.RowKey));
    }

    [Fact]
    public async Task Query_filters_on_every_literal_type_CreateQueryFilter_writes()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567);
        var id = Guid.NewGuid();
        await table.AddEntityAsync(new TableEntity("p", "hit")
        {
            ["Long"] = 1L << 40, ["Double"] = 2.0, ["Flag"] = true, ["When"] = when, ["Id"] = id, ["Bytes"] = new byte[] { 0xAB, 0x01 },
        });
        await table.AddEntityAsync(new TableEntity("p", "miss")
        {
            ["Long"] = 1L, ["Double"] = 2.5, ["Flag"] = false, ["When"] = when.AddDays(-1), ["Id"] = Guid.NewGuid(), ["Bytes"] = new byte[] { 0x00 },
        });

        async Task<string?> Only(FormattableString f) => Assert.Single(await table.QueryAsync(TableClient.CreateQueryFilter(f)).ToListAsync()).RowKey;

        Assert.Equal("hit", await Only($"Long eq {1L << 40}"));
        Assert.Equal("hit", await Only($"Double eq {2.0}"));
        Assert.Equal("hit", await Only($"Flag eq {true}"));
        Assert.Equal("hit", await Only($"When ge {when}"));
        Assert.Equal("hit", await Only($"Id eq {id}"));
        Assert.Equal("hit", await Only($"Bytes eq {new byte[] { 0xAB, 0x01 }}"));
    }

    [Fact]
    public async Task Query_follows_continuation_across_more_than_1000_entities()
    {
        var table = await NewTableAsync();
        for (var batch = 0; batch < 11; batch++)
        {
            var actions = Enumerable.Range(batch * 100, 100)
                .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", i.ToString("D5")) { ["N"] = i }));
            await table.SubmitTransactionAsync(actions);
        }

        var pages = await PagesAsync(table.QueryAsync());
        var all = pages.SelectMany(p => p.Values).ToList();

        Assert.True(pages.Count > 1, $"expected several pages, got {pages.Count}");
        Assert.All(pages, p => Assert.InRange(p.Values.Count, 1, 1000));
        Assert.Equal(1100, all.Count);
        Assert.Equal(Enumerable.Range(0, 1100), all.Select(e => e.GetInt32("N")!.Value).Order());
        Assert.Equal(1100, await table.QueryAsync().CountAsync()); // the flat enumeration follows pages too
    }

    [Fact]
    public async Task Upsert_merge_keeps_unsent_properties_and_replace_drops_them()
    {
        var table = await NewTableAsync();

        var inserted = await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "kept?" });
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 10, ["C"] = 3 }, TableUpdateMode.Merge);
        var merged = (await table.GetEntityAsync("p", "r")).Value;
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 20 }, TableUpdateMode.Replace);
        var replaced = (await table.GetEntityAsync("p", "r")).Value;

        Assert.Equal(204, inserted.Status); // upsert of an absent row inserts it
        Assert.Equal((10, "kept?", 3), (merged.GetInt32("A"), merged.GetString("B"), merged.GetInt32("C")));
        Assert.Equal(20, replaced.GetInt32("A"));
        Assert.False(replaced.ContainsKey("B"));
        Assert.False(replaced.ContainsKey("C"));
    }

    [Fact]
    public async Task Update_with_the_current_ETag_succeeds_and_a_stale_one_fails_412()
    {
        var table = await NewTableAsync();
        var added = await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 1 });
        var stale = added.Headers.ETag!.Value;

        var updated = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, stale, TableUpdateMode.Merge);
        var e = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 3 }, stale, TableUpdateMode.Replace));
        var replaced = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 4 }, updated.Headers.ETag!.Value, TableUpdateMode.Replace);
        var read = (await table.GetEntityAsync("p", "r")).Value;

        Assert.NotEqual(stale, updated.Headers.ETag);
        Assert.Equal(412, e.Status);
        Assert.Equal("UpdateConditionNotSatisfied", e.ErrorCode);
        Assert.Equal(4, read.GetInt32("A"));
        Assert.False(read.ContainsKey("B")); // the replace dropped it
        Assert.Equal(replaced.Headers.ETag, read.ETag);
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpdateEntityAsync(read, default));
    }

    [Fact]
    public async Task Update_of_a_missing_entity_fails_404_even_with_ETag_All()
    {
        var table = await NewTableAsync();

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(new TableEntity("p", "r"), ETag.All));

        Assert.Equal(404, e.Status);
        Assert.False((await table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task Adding_an_existing_row_fails_409_EntityAlreadyExists()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }));

        Assert.Equal(409, e.Status);
        Assert.Equal("EntityAlreadyExists", e.ErrorCode);
        Assert.Equal(1, (await table.GetEntityAsync("p", "r")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task Delete_with_a_stale_ETag_fails_412_and_with_the_current_one_deletes()
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 })).Headers.ETag!.Value;
        var current = (await table.UpsertEntityAsync(new TableEntity("p", "r") { ["V"] = 2 })).Headers.ETag!.Value;

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r", stale));
        var stillThere = await table.GetEntityIfExistsAsync("p", "r");
        var deleted = await table.DeleteEntityAsync("p", "r", current);
        var again = await table.DeleteEntityAsync("p", "r");

        Assert.Equal((412, "UpdateConditionNotSatisfied"), (e.Status, e.ErrorCode));
        Assert.True(stillThere.HasValue);
        Assert.Equal(204, deleted.Status);
        Assert.False((await table.GetEntityIfExistsAsync("p", "r")).HasValue);
        Assert.Equal(404, again.Status); // like the SDK: deleting what is not there does not throw
    }

    [Fact]
    public async Task Delete_without_an_ETag_is_unconditional()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["V"] = 2 });

        var deleted = await table.DeleteEntityAsync("p", "r");

        Assert.Equal(204, deleted.Status);
        Assert.False((await table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task GetEntity_select_returns_only_the_named_properties()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 2 });

        var read = (await table.GetEntityAsync("p", "r", select: ["A"])).Value;

        Assert.Equal(1, read.GetInt32("A"));
        Assert.False(read.ContainsKey("B"));
    }

    [Fact]
    public async Task DeleteAsync_removes_the_table_and_a_second_delete_answers_404()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));

        var deleted = await table.DeleteAsync();
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p", "r"));
        var again = await table.DeleteAsync();

        Assert.Equal(204, deleted.Status);
        Assert.Equal((404, "TableNotFound"), (gone.Status, gone.ErrorCode));
        Assert.Equal(404, again.Status);
    }
}
