using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Queues;

/// <summary>
/// The tests that wait on the service's clock, in a class of their own so they run beside the rest.
/// Waits are a second or two: the service counts visibility in whole seconds.
/// </summary>
public class QueueTimingTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private async Task<QueueClient> NewQueueAsync()
    {
        var queue = new QueueClient(fixture.ConnectionString, AzuriteFixture.UniqueName("q"));
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    private static async Task<QueueMessage[]> ReceiveWithinAsync(QueueClient queue, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromMinutes(1))).Value;
            if (messages.Length > 0 || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Initial_visibility_delay_hides_the_message_until_it_elapses()
    {
        var queue = await NewQueueAsync();

        var receipt = (await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(2))).Value;
        Assert.Empty((await queue.ReceiveMessagesAsync()).Value);
        Assert.Empty((await queue.PeekMessagesAsync()).Value);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var later = await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10));

        Assert.Equal(receipt.MessageId, Assert.Single(later).MessageId);
        Assert.True(DateTimeOffset.UtcNow >= receipt.TimeNextVisible.AddMilliseconds(-500), "received before the visibility delay elapsed");
    }

    [Fact]
    public async Task Received_message_reappears_after_its_visibility_timeout_with_dequeue_count_2()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("retry me");

        var first = (await queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromSeconds(1))).Value.Single();
        Assert.Empty((await queue.ReceiveMessagesAsync()).Value);
        var second = Assert.Single(await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10)));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
    }

    [Fact]
    public async Task Message_with_a_one_second_ttl_is_gone_after_it_expires()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("short-lived", timeToLive: TimeSpan.FromSeconds(1));
        await queue.SendMessageAsync("forever", timeToLive: Timeout.InfiniteTimeSpan);

        await Task.Delay(TimeSpan.FromSeconds(2));
        var left = (await queue.PeekMessagesAsync(32)).Value;

        Assert.Equal("forever", Assert.Single(left).MessageText);
    }
}
