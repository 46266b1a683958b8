using System.Text;
using Azure;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Queues;

/// <summary>The queue client against a real Azurite: one fresh queue per test.</summary>
public class QueueClientTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private const string Chinese = "克拉玛依 土地再开发 — 审批通过 ✓";

    private async Task<QueueClient> NewQueueAsync(QueueMessageEncoding encoding = QueueMessageEncoding.None)
    {
        var queue = new QueueClient(fixture.ConnectionString, AzuriteFixture.UniqueName("q"), new QueueClientOptions { MessageEncoding = encoding });
        Assert.NotNull(await queue.CreateIfNotExistsAsync());
        return queue;
    }

    private QueueClient SameQueue(QueueClient queue, QueueMessageEncoding encoding) =>
        new(fixture.ConnectionString, queue.Name, new QueueClientOptions { MessageEncoding = encoding });

    [Fact]
    public async Task CreateIfNotExists_returns_the_response_once_then_null_and_keeps_metadata()
    {
        var queue = new QueueClient(fixture.ConnectionString, AzuriteFixture.UniqueName("q"));
        var metadata = new Dictionary<string, string> { ["tenant"] = "karamay" };

        var first = await queue.CreateIfNotExistsAsync(metadata);
        var second = await queue.CreateIfNotExistsAsync(metadata);
        var differentMetadata = await queue.CreateIfNotExistsAsync(new Dictionary<string, string> { ["tenant"] = "other" });

        Assert.Equal(201, first!.Status);
        Assert.Null(second);
        Assert.Null(differentMetadata);
        Assert.Equal("karamay", (await queue.GetPropertiesAsync()).Value.Metadata["tenant"]);
        Assert.True((await queue.DeleteIfExistsAsync()).Value);
        Assert.False((await queue.DeleteIfExistsAsync()).Value);
    }

    [Fact]
    public async Task Base64_encoding_round_trips_Chinese_text_and_stores_base64_on_the_wire()
    {
        var queue = await NewQueueAsync(QueueMessageEncoding.Base64);

        var receipt = (await queue.SendMessageAsync(Chinese)).Value;
        var raw = (await SameQueue(queue, QueueMessageEncoding.None).PeekMessagesAsync()).Value.Single();
        var received = (await queue.ReceiveMessagesAsync()).Value.Single();

        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Chinese)), raw.MessageText);
        Assert.Equal(receipt.MessageId, received.MessageId);
        Assert.Equal(Chinese, received.MessageText);
        Assert.Equal(Encoding.UTF8.GetBytes(Chinese), received.Body.ToArray());
        Assert.Equal(1, received.DequeueCount);
    }

    [Fact]
    public async Task None_encoding_round_trips_Chinese_text_XML_special_characters_and_CRLF()
    {
        var queue = await NewQueueAsync();
        var text = Chinese + " <case id=\"1\"> & 'quotes' ]]>\r\nsecond line\ttab";

        await queue.SendMessageAsync(text);
        var received = (await queue.ReceiveMessagesAsync()).Value.Single();

        Assert.Equal(text, received.MessageText);
    }

    [Fact]
    public async Task Base64_client_returns_a_message_that_is_not_base64_as_its_raw_text()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("not base64!");

        var received = (await SameQueue(queue, QueueMessageEncoding.Base64).ReceiveMessagesAsync()).Value.Single();

        Assert.Equal("not base64!", received.MessageText);
    }

    [Fact]
    public async Task Never_expiring_message_expires_in_year_9999_and_a_finite_ttl_is_honoured()
    {
        var queue = await NewQueueAsync();

        var forever = (await queue.SendMessageAsync("forever", timeToLive: TimeSpan.FromSeconds(-1))).Value;
        var infinite = (await queue.SendMessageAsync("infinite", timeToLive: Timeout.InfiniteTimeSpan)).Value;
        var hour = (await queue.SendMessageAsync("hour", timeToLive: TimeSpan.FromHours(1))).Value;
        var peeked = (await queue.PeekMessagesAsync(32)).Value.ToDictionary(m => m.MessageText);

        Assert.Equal(9999, forever.ExpirationTime.Year);
        Assert.Equal(9999, infinite.ExpirationTime.Year);
        Assert.Equal(9999, peeked["forever"].ExpiresOn!.Value.Year);
        Assert.InRange(hour.ExpirationTime - hour.InsertionTime, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.InRange(peeked["hour"].ExpiresOn!.Value - peeked["hour"].InsertedOn!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task Receive_returns_at_most_32_in_one_call_and_the_rest_in_the_next()
    {
        var queue = await NewQueueAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => queue.SendMessageAsync($"m{i}")));

        var first = (await queue.ReceiveMessagesAsync(32)).Value;
        var second = (await queue.ReceiveMessagesAsync(32)).Value;

        Assert.Equal(32, first.Length);
        Assert.Equal(8, second.Length);
        Assert.Equal(40, first.Concat(second).Select(m => m.MessageText).Distinct().Count());
        Assert.Equal(40, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Update_changes_text_and_visibility_and_issues_a_new_pop_receipt()
    {
        var queue = await NewQueueAsync(QueueMessageEncoding.Base64);
        await queue.SendMessageAsync("v1");
        var received = (await queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromMinutes(5))).Value.Single();
        Assert.Empty((await queue.ReceiveMessagesAsync()).Value);

        var update = (await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, "v2 更新", TimeSpan.Zero)).Value;
        var again = (await queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromMinutes(5))).Value.Single();

        Assert.NotEqual(received.PopReceipt, update.PopReceipt);
        Assert.Equal(received.MessageId, again.MessageId);
        Assert.Equal("v2 更新", again.MessageText);
        Assert.Equal(2, again.DequeueCount);

        // Visibility alone: the text stays, the message hides for the new timeout.
        var hidden = (await queue.UpdateMessageAsync(again.MessageId, again.PopReceipt, visibilityTimeout: TimeSpan.FromMinutes(5))).Value;
        Assert.InRange(hidden.NextVisibleOn - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
        Assert.Empty((await queue.PeekMessagesAsync()).Value);

        await queue.UpdateMessageAsync(again.MessageId, hidden.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        Assert.Equal("v2 更新", (await queue.PeekMessagesAsync()).Value.Single().MessageText);
    }

    [Fact]
    public async Task Delete_needs_the_latest_pop_receipt_and_a_deleted_message_is_not_found()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("once");
        var received = (await queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromMinutes(5))).Value.Single();
        var update = (await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.FromMinutes(5))).Value;

        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync(received.MessageId, received.PopReceipt));
        // Azure answers 404 MessageNotFound for a pop receipt that no longer matches; Azurite 400 PopReceiptMismatch.
        Assert.Contains($"{stale.Status} {stale.ErrorCode}", new[] { "404 MessageNotFound", "400 PopReceiptMismatch" });
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        Assert.Equal(204, (await queue.DeleteMessageAsync(received.MessageId, update.PopReceipt)).Status);
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync(received.MessageId, update.PopReceipt));

        Assert.Equal(404, gone.Status);
        Assert.Equal("MessageNotFound", gone.ErrorCode);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Approximate_count_follows_sends_and_clear()
    {
        var queue = await NewQueueAsync();
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        for (var i = 0; i < 3; i++)
        {
            await queue.SendMessageAsync($"m{i}", visibilityTimeout: TimeSpan.FromMinutes(1));
        }

        Assert.Equal(3, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        await queue.ClearMessagesAsync();
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Missing_queue_fails_with_the_service_error_code()
    {
        var queue = new QueueClient(fixture.ConnectionString, AzuriteFixture.UniqueName("q"));

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"));

        Assert.Equal(404, e.Status);
        Assert.Equal("QueueNotFound", e.ErrorCode);
    }

    [Fact]
    public async Task Service_client_reads_properties_and_hands_out_queue_clients_on_the_same_account()
    {
        var service = new QueueServiceClient(fixture.ConnectionString);
        var name = AzuriteFixture.UniqueName("q");

        var properties = await service.GetPropertiesAsync();
        var queue = service.GetQueueClient(name);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("via service");

        Assert.Equal(200, properties.Status);
        Assert.Equal(name, queue.Name);
        Assert.Equal("via service", (await new QueueClient(fixture.ConnectionString, name).ReceiveMessagesAsync()).Value.Single().MessageText);
    }

    [Fact]
    public async Task Listing_with_a_prefix_finds_exactly_its_queues_across_pages()
    {
        var service = new QueueServiceClient(fixture.ConnectionString);
        var prefix = AzuriteFixture.UniqueName("ls");
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var name in names)
        {
            await service.GetQueueClient(name).CreateIfNotExistsAsync();
        }

        await service.GetQueueClient(AzuriteFixture.UniqueName("other")).CreateIfNotExistsAsync();

        var all = new List<string>();
        await foreach (var queue in service.GetQueuesAsync())
        {
            all.Add(queue.Name);
        }

        var pages = new List<IReadOnlyList<string>>();
        await foreach (var page in service.GetQueuesAsync(prefix).AsPages(pageSizeHint: 2))
        {
            pages.Add(page.Values.Select(q => q.Name).ToList());
        }

        Assert.Superset(names.ToHashSet(), all.ToHashSet());
        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(names, pages.SelectMany(p => p));
    }

    [Fact]
    public async Task Shared_key_uri_constructor_reaches_the_same_queue()
    {
        var queue = await NewQueueAsync();
        var parsed = fixture.Parsed;

        var byUri = new QueueClient(queue.Uri, parsed.Credential!);
        await byUri.SendMessageAsync("by uri");

        Assert.Equal(queue.Name, byUri.Name);
        Assert.Equal("by uri", (await queue.ReceiveMessagesAsync()).Value.Single().MessageText);
    }
}
