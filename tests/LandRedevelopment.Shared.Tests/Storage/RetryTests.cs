using System.Net;
using Azure;
using Azure.Core.Pipeline;
using LandRedevelopment.Shared.Tests.Storage.Tables;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Shared.Tests.Storage;

/// <summary>The clients retry transient failures through Azure.Core, signing every try afresh.</summary>
public class RetryTests
{
    private static TableClient Client(RecordingHandler handler, int maxRetries) =>
        new(new Uri("https://acct.table.core.windows.net"), "cases",
            new StorageSharedKeyCredential("acct", Convert.ToBase64String(new byte[32])),
            new TableClientOptions
            {
                Transport = new HttpClientTransport(new HttpClient(handler)),
                Retry = { MaxRetries = maxRetries, Delay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) },
            });

    [Fact]
    public async Task A_503_is_retried_and_the_retry_succeeds_with_a_fresh_signature()
    {
        var handler = new RecordingHandler();
        var calls = 0;
        handler.Respond = _ => ++calls <= 2 ? RecordingHandler.Text(HttpStatusCode.ServiceUnavailable, "application/json", "{}") : new HttpResponseMessage(HttpStatusCode.NoContent);

        var response = await Client(handler, 3).UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 });

        Assert.Equal(204, response.Status);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.StartsWith("SharedKeyLite acct:", r.Headers["Authorization"], StringComparison.Ordinal));
        Assert.All(handler.Requests, r => Assert.True(r.Headers.ContainsKey("x-ms-date")));
    }

    [Fact]
    public async Task When_retries_run_out_the_failure_carries_the_status_and_error_code()
    {
        var handler = new RecordingHandler
        {
            Respond = _ =>
            {
                var r = RecordingHandler.Text(HttpStatusCode.ServiceUnavailable, "application/json",
                    """{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"busy"}}}""");
                r.Headers.Add("x-ms-error-code", "ServerBusy");
                return r;
            },
        };

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Client(handler, 2).UpsertEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(503, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task When_no_try_reaches_storage_the_failure_is_one_request_failed_exception_with_status_0()
    {
        // A port nothing listens on: every try is refused; Azure.Core's retry policy gives up with an AggregateException.
        var client = new TableClient(new Uri($"http://127.0.0.1:{LandRedevelopment.Testing.Loopback.FreePort()}/devstoreaccount1"), "cases",
            new StorageSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[32])),
            new TableClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) } });

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetEntityIfExistsAsync("p", "r"));

        Assert.Equal(0, e.Status);
        var tries = Assert.IsType<AggregateException>(e.InnerException);
        Assert.Equal(3, tries.InnerExceptions.Count);
    }

    [Fact]
    public async Task A_409_is_not_retried()
    {
        var handler = new RecordingHandler { Respond = _ => RecordingHandler.Text(HttpStatusCode.Conflict, "application/json", "{}") };

        await Assert.ThrowsAsync<RequestFailedException>(() => Client(handler, 3).AddEntityAsync(new TableEntity("p", "r")));

        Assert.Single(handler.Requests);
    }
}
