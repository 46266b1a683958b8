using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Tables;

/// <summary>The account-level client against a real Azurite.</summary>
public class TableServiceClientTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task GetProperties_answers_200_with_the_service_properties()
    {
        var service = new TableServiceClient(fixture.ConnectionString);

        var response = await service.GetPropertiesAsync();

        Assert.Equal(200, response.Status);
        Assert.Contains("StorageServiceProperties", response.Content.ToString());
    }

    [Fact]
    public async Task GetProperties_with_a_wrong_key_fails_403()
    {
        var parsed = fixture.Parsed;
        var service = new TableServiceClient(parsed.TableEndpoint,
            new LandRedevelopment.Storage.StorageSharedKeyCredential(parsed.AccountName, Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0 } });

        var e = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => service.GetPropertiesAsync());

        Assert.Equal(403, e.Status);
    }

    [Fact]
    public async Task Query_lists_tables_by_filter_across_pages()
    {
        var service = new TableServiceClient(fixture.ConnectionString);
        var names = Enumerable.Range(0, 3).Select(_ => AzuriteFixture.UniqueName("s")).Order().ToList();
        foreach (var name in names)
        {
            await service.GetTableClient(name).CreateIfNotExistsAsync();
        }

        var filter = TableClient.CreateQueryFilter($"TableName eq {names[0]} or TableName eq {names[1]} or TableName eq {names[2]}");
        var pages = new List<Azure.Page<TableItem>>();
        await foreach (var page in service.QueryAsync(filter, maxPerPage: 2).AsPages())
        {
            pages.Add(page);
        }

        var all = await service.QueryAsync().Select(t => t.Name).ToListAsync();

        Assert.Equal([2, 1], pages.Select(p => p.Values.Count));
        Assert.Equal(names, pages.SelectMany(p => p.Values).Select(t => t.Name).Order());
        Assert.Superset(names.ToHashSet(), all.ToHashSet());
    }

    [Fact]
    public async Task GetTableClient_addresses_the_named_table_in_the_account()
    {
        var service = new TableServiceClient(fixture.ConnectionString);
        var name = AzuriteFixture.UniqueName("t");

        var table = service.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });

        Assert.Equal(name, table.Name);
        Assert.Equal(new Uri(fixture.Parsed.TableEndpoint.AbsoluteUri.TrimEnd('/') + "/" + name), table.Uri);
        var direct = new TableClient(fixture.ConnectionString, name);
        Assert.Equal(1, (await direct.GetEntityAsync("p", "r")).Value.GetInt32("V"));
    }
}
