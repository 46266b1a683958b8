using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using LandRedevelopment.Storage;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Api;

/// <summary>
/// The app's storage runs through relays the test takes down and brings back: once a request has found storage down, the
/// next ones answer 503 without trying storage, the health check still looks for real, and the app serves again when
/// storage is back, without a restart.
/// </summary>
public class StorageCircuitBreakerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Once_a_request_found_storage_down_the_next_answers_503_without_trying_storage_and_the_app_serves_again_when_storage_is_back()
    {
        var server = azurite.Server;
        using var blob = StorageRelay.Start(server.BlobPort);
        using var queue = StorageRelay.Start(server.QueuePort);
        using var table = StorageRelay.Start(server.TablePort);
        StorageRelay[] relays = [blob, queue, table];
        int Attempts() => relays.Sum(r => r.Refused);

        var adminKey = "test-admin-" + Guid.NewGuid().ToString("N");
        // The breaker stays open far longer than the test, so that the second request surely meets it however slow the machine.
        using var app = await StartBehindAsync(blob, queue, table, adminKey, ("Storage__BreakDuration", "00:10:00"));

        // Once the start-up sweep is done, nothing but the test's requests talks to storage (no trigger runner, no seeding).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !app.Process.Output.Contains("Start-up sweep", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }

        Assert.Contains("Start-up sweep", app.Process.Output, StringComparison.Ordinal);
        using (var up = await app.Http.SendAsync(ListTenants(adminKey)))
        {
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        }

        foreach (var relay in relays)
        {
            relay.TakeDown();
        }

        // The first request tries storage through all its retries, and answers 503.
        using (var first = await app.Http.SendAsync(ListTenants(adminKey)))
        {
            await AssertStorageUnavailableAsync(first);
        }

        var afterFirst = Attempts();
        Assert.True(afterFirst > 0, $"the first request never tried storage\n{app.Process.Output}");

        // The second is refused by the open breaker: the same 503, told to come back when the breaker lets a call through,
        // and not one connection to storage.
        using (var second = await app.Http.SendAsync(ListTenants(adminKey)))
        {
            await AssertStorageUnavailableAsync(second);
            var retryAfter = second.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        }

        Assert.True(afterFirst == Attempts(), $"the second request tried storage {Attempts() - afterFirst} times\n{app.Process.Output}");

        // The health check is not refused: it looks at storage for real.
        using (var health = await app.Http.GetAsync("api/health?fresh=true"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        Assert.True(Attempts() > afterFirst, "the health check did not try storage");

        // Storage is back: the health check sees it, closes the breaker, and requests are served again, same process.
        foreach (var relay in relays)
        {
            relay.BringBack();
        }

        using (var health = await app.Http.GetAsync("api/health?fresh=true"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var again = await app.Http.SendAsync(ListTenants(adminKey)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.False(app.Process.HasExited);

        // One line when the table service's breaker opened and one when it closed, not one per refused call.
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !app.Process.Output.Contains("its circuit breaker is closed", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }

        var tableEndpoint = $"http://127.0.0.1:{table.Port}";
        Assert.Equal(1, Occurrences(app.Process.Output, $"Storage at {tableEndpoint} is unavailable"));
        Assert.Equal(1, Occurrences(app.Process.Output, $"Storage at {tableEndpoint} answers again: its circuit breaker is closed"));
    }

    [Fact]
    public async Task A_queue_triggered_function_holds_its_message_through_a_table_outage_and_finishes_it_when_storage_is_back()
    {
        var server = azurite.Server;
        using var blob = StorageRelay.Start(server.BlobPort);
        using var queue = StorageRelay.Start(server.QueuePort);
        using var table = StorageRelay.Start(server.TablePort);
        // The hold is far longer than the test: the try may only end because storage came back.
        using var app = await StartBehindAsync(blob, queue, table, "test-admin-" + Guid.NewGuid().ToString("N"),
            ("Storage__BreakDuration", "00:00:01"), ("Storage__QueueOutageHold", "00:10:00"));

        // The table service goes away; the test plays the Functions host and delivers a case signal, whose handler
        // needs the table. Without the hold the try would fail (and count towards the poison queue) within seconds.
        table.TakeDown();
        var signal = JsonSerializer.Serialize(new { tenantId = "karamay", caseId = "KLMY-" + Guid.NewGuid().ToString("N")[..8], kind = "evidence-complete", version = 1 });
        var messageId = Guid.NewGuid().ToString();
        var envelope = new
        {
            Data = new Dictionary<string, object> { ["signal"] = signal },
            Metadata = new Dictionary<string, object>
            {
                ["Id"] = messageId, ["DequeueCount"] = 1, ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                ["sys"] = new { MethodName = "CaseSignals", UtcNow = DateTimeOffset.UtcNow, RandGuid = Guid.NewGuid() },
            },
        };
        var invocation = app.Http.PostAsJsonAsync("CaseSignals", envelope);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !invocation.IsCompleted && !app.Process.Output.Contains($"holds message {messageId}", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }

        Assert.True(app.Process.Output.Contains($"holds message {messageId}", StringComparison.Ordinal), app.Process.Output);
        // Several open periods pass: the invocation is still held, not failed.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(invocation.IsCompleted, "the invocation was answered while storage was down");

        table.BringBack();
        using var response = await invocation.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{app.Process.Output}");
        Assert.Contains($"handled message {messageId} after storage came back", app.Process.Output, StringComparison.Ordinal);
    }

    /// <summary>The app with its storage behind the relays, no trigger runner, healthy.</summary>
    private static async Task<AppProcess> StartBehindAsync(StorageRelay blob, StorageRelay queue, StorageRelay table, string adminKey, params (string Key, string Value)[] settings)
    {
        var account = StorageConnectionString.DevelopmentAccountName;
        var environment = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
                                      $"BlobEndpoint=http://127.0.0.1:{blob.Port}/{account};QueueEndpoint=http://127.0.0.1:{queue.Port}/{account};" +
                                      $"TableEndpoint=http://127.0.0.1:{table.Port}/{account};",
            ["LocalTriggers__Enabled"] = "false",
            ["Admin__Key"] = adminKey,
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var app = await AppProcess.StartAsync(environment);
        try
        {
            await app.WaitHealthyAsync();
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private static HttpRequestMessage ListTenants(string adminKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/tenants");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
        return request;
    }

    private static async Task AssertStorageUnavailableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(text);
        Assert.EndsWith("/storage-unavailable", body.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
