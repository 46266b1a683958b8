using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Queues;

namespace LandRedevelopment.Shared.Tests.Storage.Queues;

/// <summary>Arguments the service would reject are refused before any request (the endpoint here does not exist).</summary>
public class QueueArgumentTests
{
    private static QueueClient Client(QueueMessageEncoding encoding = QueueMessageEncoding.None) =>
        new(new Uri("http://127.0.0.1:1/devstoreaccount1/nowhere"),
            new StorageSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey),
            new QueueClientOptions { MessageEncoding = encoding });

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public async Task MaxMessages_outside_1_to_32_is_refused(int maxMessages)
    {
        var receive = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().ReceiveMessagesAsync(maxMessages));
        var peek = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().PeekMessagesAsync(maxMessages));

        Assert.Equal("maxMessages", receive.ParamName);
        Assert.Contains("32", receive.Message, StringComparison.Ordinal);
        Assert.Equal("maxMessages", peek.ParamName);
    }

    [Fact]
    public async Task Visibility_timeouts_beyond_7_days_or_negative_are_refused()
    {
        var tooLong = TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1);

        var send = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().SendMessageAsync("x", tooLong));
        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().SendMessageAsync("x", TimeSpan.FromSeconds(-1)));
        var receiveZero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().ReceiveMessagesAsync(1, TimeSpan.Zero));
        var update = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().UpdateMessageAsync("id", "pop", "x", tooLong));

        Assert.Equal("visibilityTimeout", send.ParamName);
        Assert.Contains("7 days", send.Message, StringComparison.Ordinal);
        Assert.Equal("visibilityTimeout", negative.ParamName);
        Assert.Equal("visibilityTimeout", receiveZero.ParamName);
        Assert.Equal("visibilityTimeout", update.ParamName);
    }

    [Fact]
    public async Task Time_to_live_must_be_positive_or_minus_one_second()
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().SendMessageAsync("x", timeToLive: TimeSpan.FromSeconds(-2)));
        var zero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().SendMessageAsync("x", timeToLive: TimeSpan.Zero));

        Assert.Equal("timeToLive", e.ParamName);
        Assert.Equal("timeToLive", zero.ParamName);
    }

    [Fact]
    public async Task Messages_over_64_KiB_after_encoding_are_refused()
    {
        // 48 KiB + 1 byte is fine as text but 65,540 bytes once base64-encoded.
        var text = new string('a', 48 * 1024 + 1);
        var chinese = new string('土', 21846); // 3 bytes each in UTF-8: 65,538 bytes

        var base64 = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client(QueueMessageEncoding.Base64).SendMessageAsync(text));
        var utf8 = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().SendMessageAsync(chinese));
        var update = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().UpdateMessageAsync("id", "pop", chinese));

        Assert.Equal("messageText", base64.ParamName);
        Assert.Contains("64 KiB", base64.Message, StringComparison.Ordinal);
        Assert.Equal("messageText", utf8.ParamName);
        Assert.Equal("messageText", update.ParamName);
    }
}
