using System.Net;
using Azure;
using Azure.Core.Pipeline;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Shared.Tests.Storage;

/// <summary>
/// The storage circuit breaker's states, driven through a real client and pipeline over a fake storage that counts the
/// requests reaching it, on a clock the test moves by hand.
/// </summary>
public class CircuitBreakerTests
{
    private static readonly Uri Endpoint = new("https://acct.table.core.windows.net");
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(5);

    private readonly ManualClock _clock = new();
    private readonly FakeStorage _storage = new();
    private readonly StorageCircuitBreakers _breakers;
    private readonly List<string> _events = [];

    public CircuitBreakerTests()
    {
        _breakers = new StorageCircuitBreakers(Break, _clock);
        _breakers.Opened += (_, e) => _events.Add($"opened {e.Endpoint}: {e.Cause}");
        _breakers.Closed += (_, e) => _events.Add($"closed {e.Endpoint}");
    }

    private TableClient Client(Uri? endpoint = null, string table = "cases") =>
        new(endpoint ?? Endpoint, table, new StorageSharedKeyCredential("acct", Convert.ToBase64String(new byte[32])),
            new TableClientOptions
            {
                Transport = new HttpClientTransport(new HttpClient(_storage)),
                Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) },
                CircuitBreakers = _breakers,
            });

    private static Task<Response> Write(TableClient client, CancellationToken ct = default) =>
        client.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }, cancellationToken: ct);

    /// <summary>Storage is down: one call spends its three tries (one plus two retries) and opens the breaker.</summary>
    private async Task OpenAsync(TableClient client)
    {
        _storage.Down = true;
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Write(client));
        Assert.IsNotType<StorageCircuitOpenException>(e);
        Assert.Equal(0, e.Status);
        Assert.Equal(3, _storage.Requests);
        Assert.True(_breakers.IsOpen(Endpoint));
    }

    [Fact]
    public async Task After_a_call_that_spent_its_retries_on_transport_failures_further_calls_fail_at_once_without_reaching_storage()
    {
        var client = Client();
        await OpenAsync(client);

        for (var i = 0; i < 5; i++)
        {
            var refused = await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client));
            Assert.Equal(0, refused.Status);
            Assert.Equal(StorageCircuitOpenException.CircuitOpenCode, refused.ErrorCode);
            Assert.Equal(Break, refused.RetryAfter);
            Assert.Contains("unavailable", refused.Message, StringComparison.Ordinal);
            Assert.Contains("circuit breaker is open", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(3, _storage.Requests);
        Assert.Equal(["opened https://acct.table.core.windows.net:443: Connection refused (storage is down)"], _events);
    }

    [Fact]
    public async Task A_connection_reset_as_soon_as_accepted_is_storage_out_of_reach_retried_and_counted_not_a_bare_socket_error()
    {
        var client = Client();
        _storage.ResetsOnAccept = true;

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Write(client));

        Assert.Equal(0, e.Status);
        Assert.Equal(3, _storage.Requests);
        Assert.True(_breakers.IsOpen(Endpoint));
        await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client));
        Assert.Equal(3, _storage.Requests);
    }

    [Fact]
    public async Task A_refused_call_is_told_how_long_the_breaker_stays_open()
    {
        var client = Client();
        await OpenAsync(client);

        _clock.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(TimeSpan.FromSeconds(1.5), (await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client))).RetryAfter);
        Assert.Equal(3, _storage.Requests);
    }

    [Fact]
    public async Task After_the_open_period_exactly_one_trial_reaches_storage_and_its_answer_closes_the_breaker()
    {
        var client = Client();
        await OpenAsync(client);
        _storage.Down = false;

        _clock.Advance(Break - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client));
        Assert.Equal(3, _storage.Requests);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(204, (await Write(client)).Status);
        Assert.Equal(4, _storage.Requests);
        Assert.False(_breakers.IsOpen(Endpoint));

        // Closed: every call goes to storage again.
        await Write(client);
        await Write(client);
        Assert.Equal(6, _storage.Requests);
        Assert.Equal(2, _events.Count);
        Assert.Equal("closed https://acct.table.core.windows.net:443", _events[1]);
    }

    [Fact]
    public async Task A_trial_that_fails_opens_the_breaker_for_another_period_without_announcing_a_second_outage()
    {
        var client = Client();
        await OpenAsync(client);

        _clock.Advance(Break);
        await Assert.ThrowsAsync<RequestFailedException>(() => Write(client));
        Assert.Equal(6, _storage.Requests);

        Assert.Equal(Break, (await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client))).RetryAfter);
        Assert.Equal(6, _storage.Requests);
        Assert.Single(_events);
    }

    [Fact]
    public async Task While_the_trial_is_under_way_every_other_call_is_refused()
    {
        var client = Client();
        await OpenAsync(client);
        _storage.Down = false;
        _clock.Advance(Break);

        var held = _storage.Hold();
        var trial = Write(client);
        await held.Reached;
        var other = await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client));
        Assert.True(other.RetryAfter > TimeSpan.Zero);
        Assert.Equal(4, _storage.Requests);

        held.Release();
        Assert.Equal(204, (await trial).Status);
        await Write(client);
        Assert.Equal(5, _storage.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task A_5xx_answer_left_after_the_retries_opens_the_breaker(HttpStatusCode status)
    {
        var client = Client();
        _storage.Answer = status;

        Assert.Equal((int)status, (await Assert.ThrowsAsync<RequestFailedException>(() => Write(client))).Status);
        await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(client));

        Assert.Equal(3, _storage.Requests);
        Assert.Equal($"opened https://acct.table.core.windows.net:443: status {(int)status}", Assert.Single(_events));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    public async Task A_4xx_answer_is_storage_answering_and_leaves_the_breaker_closed(HttpStatusCode status)
    {
        var client = Client();
        _storage.Answer = status;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((int)status, (await Assert.ThrowsAsync<RequestFailedException>(() => client.AddEntityAsync(new TableEntity("p", "r")))).Status);
        }

        Assert.Equal(3, _storage.Requests);
        Assert.False(_breakers.IsOpen(Endpoint));
        Assert.Empty(_events);
    }

    [Fact]
    public async Task A_probe_reaches_storage_through_an_open_breaker_and_its_answer_closes_it_before_the_period_ends()
    {
        var client = Client();
        await OpenAsync(client);
        _storage.Down = false;

        using (StorageCircuitBreakers.BeginProbe())
        {
            Assert.Equal(204, (await Write(client)).Status);
        }

        Assert.Equal(4, _storage.Requests);
        Assert.False(_breakers.IsOpen(Endpoint));
        await Write(client);
        Assert.Equal(5, _storage.Requests);
    }

    [Fact]
    public async Task Clients_on_one_set_of_breakers_share_the_breaker_of_their_endpoint_and_another_endpoint_keeps_its_own()
    {
        await OpenAsync(Client());

        // Another client (another table) of the same service endpoint is refused without a request ...
        await Assert.ThrowsAsync<StorageCircuitOpenException>(() => Write(Client(table: "timers")));
        Assert.Equal(3, _storage.Requests);

        // ... while a client of another endpoint still goes to storage.
        var other = new Uri("https://acct2.table.core.windows.net");
        _storage.Down = false;
        await Write(Client(other));
        Assert.Equal(4, _storage.Requests);
        Assert.False(_breakers.IsOpen(other));
    }

    [Fact]
    public async Task A_call_its_caller_cancels_says_nothing_about_storage_and_leaves_the_breaker_closed()
    {
        var client = Client();
        var held = _storage.Hold();
        using var cancel = new CancellationTokenSource();
        var call = Write(client, cancel.Token);
        await held.Reached;

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.False(_breakers.IsOpen(Endpoint));
        held.Release();
    }

    /// <summary>
    /// Storage as the transport sees it: down (every request refused, as a closed port is), or answering with
    /// <see cref="Answer"/>; counts the requests that reach it.
    /// </summary>
    private sealed class FakeStorage : HttpMessageHandler
    {
        private int _requests;
        private Hold? _hold;

        public bool Down { get; set; }

        /// <summary>Whether a connection is reset as soon as it is accepted (HttpClient then throws a bare SocketException).</summary>
        public bool ResetsOnAccept { get; set; }

        public HttpStatusCode Answer { get; set; } = HttpStatusCode.NoContent;

        public int Requests => Volatile.Read(ref _requests);

        /// <summary>Holds the next request until released.</summary>
        public Hold Hold() => _hold = new Hold();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                await hold.WaitAsync(cancellationToken);
            }

            if (ResetsOnAccept)
            {
                throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected);
            }

            return Down
                ? throw new HttpRequestException("Connection refused (storage is down)")
                : new HttpResponseMessage(Answer) { Content = new StringContent("{}") };
        }
    }

    private sealed class Hold
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public Task WaitAsync(CancellationToken ct)
        {
            _reached.TrySetResult();
            return _released.Task.WaitAsync(ct);
        }
    }

    /// <summary>A clock that only moves when told, for open periods measured with monotonic timestamps.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
