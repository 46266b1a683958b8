using System.Net;
using System.Text.Json;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Api;

public class HealthTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Health_is_200_with_every_storage_service_checked_when_Azurite_answers()
    {
        using var response = await fixture.Http.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["blobs"] = "Healthy", ["queues"] = "Healthy", ["tables"] = "Healthy" }, checks);
    }

    [Fact]
    public async Task A_healthy_look_at_storage_is_reused_for_a_few_seconds_and_fresh_asks_storage_again()
    {
        var first = await CheckedAt("api/health?fresh=true");
        var cached = await CheckedAt("api/health");
        var fresh = await CheckedAt("api/health?fresh=true");

        // Within the few seconds a healthy look is kept, a plain check answers from it; fresh=true looks again.
        Assert.Equal(first, cached);
        Assert.True(fresh > first, $"fresh=true answered from the look at {first:O} again");
    }

    private async Task<DateTimeOffset> CheckedAt(string path)
    {
        using var response = await fixture.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checkedAt").GetDateTimeOffset();
    }

    [Fact]
    public async Task Health_is_503_problem_json_naming_each_service_when_storage_is_unreachable()
    {
        // Ports nothing listens on: every storage call is refused.
        int blob = Loopback.FreePort(), queue = Loopback.FreePort(), table = Loopback.FreePort();
        var dead = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                   $"AccountKey={LandRedevelopment.Storage.StorageConnectionString.DevelopmentAccountKey};" +
                   $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        using var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = dead,
            ["LocalTriggers__Enabled"] = "false",
        });

        using var response = await app.Http.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        var detail = body.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("blobs", detail, StringComparison.Ordinal);
        Assert.Contains("queues", detail, StringComparison.Ordinal);
        Assert.Contains("tables", detail, StringComparison.Ordinal);
        Assert.All(body.RootElement.GetProperty("checks").EnumerateArray(), c => Assert.Equal("Unhealthy", c.GetProperty("status").GetString()));
    }
}

/// <summary>The server listens while storage is being bootstrapped, but answers nothing before the first attempt has ended.</summary>
public class StartupReadinessTests
{
    [Fact]
    public async Task Requests_that_arrive_while_storage_is_bootstrapped_wait_for_it_instead_of_failing()
    {
        // A storage account of its own, so that no table or queue exists before this app creates them.
        using var azurite = await AzuriteServer.StartAsync();
        var adminKey = "test-admin-" + Guid.NewGuid().ToString("N");
        using var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["LocalTriggers__Enabled"] = "false",
            ["Admin__Key"] = adminKey,
        });

        // Sent the moment the port opens: both need the tables the bootstrap is still creating.
        using var onboard = new HttpRequestMessage(HttpMethod.Post, "api/admin/tenants")
        {
            Content = JsonContent.Create(new { id = "early", displayName = "测试市", timeZone = "Asia/Shanghai", policy = TestPolicies.Minimal() }),
        };
        onboard.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
        var health = app.Http.GetAsync("api/health");
        var created = app.Http.SendAsync(onboard);

        using var healthResponse = await health;
        using var createdResponse = await created;
        Assert.Equal(HttpStatusCode.OK, healthResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, createdResponse.StatusCode);
    }
}

/// <summary>At each start the app lists what exists and creates only what is missing.</summary>
public class StorageInventoryTests
{
    [Fact]
    public async Task A_table_and_a_queue_lost_between_two_starts_are_created_again_before_the_app_serves()
    {
        using var azurite = await AzuriteServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["LocalTriggers__Enabled"] = "false",
            ["Admin__Key"] = "test-admin-" + Guid.NewGuid().ToString("N"),
        };
        var tables = new LandRedevelopment.Storage.Tables.TableServiceClient(azurite.ConnectionString);
        var queues = new LandRedevelopment.Storage.Queues.QueueServiceClient(azurite.ConnectionString);
        async Task<(List<string> Tables, List<string> Queues)> Inventory()
        {
            var t = new List<string>();
            await foreach (var table in tables.QueryAsync())
            {
                t.Add(table.Name);
            }

            var q = new List<string>();
            await foreach (var queue in queues.GetQueuesAsync())
            {
                q.Add(queue.Name);
            }

            return (t.Order(StringComparer.Ordinal).ToList(), q.Order(StringComparer.Ordinal).ToList());
        }

        using (var first = await AppProcess.StartAsync(settings))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.Http.GetAsync("api/health")).StatusCode);
        }

        var complete = await Inventory();
        Assert.Contains("timers", complete.Tables);
        Assert.Contains(LandRedevelopment.Outbox.TimerIndex.QueueName, complete.Queues);
        await tables.GetTableClient("timers").DeleteAsync();
        await queues.GetQueueClient(LandRedevelopment.Outbox.TimerIndex.QueueName).DeleteIfExistsAsync();
        Assert.DoesNotContain("timers", (await Inventory()).Tables);

        using (var second = await AppProcess.StartAsync(settings))
        {
            Assert.Equal(HttpStatusCode.OK, (await second.Http.GetAsync("api/health")).StatusCode);
            var again = await Inventory();
            Assert.Equal(complete.Tables, again.Tables);
            Assert.Equal(complete.Queues, again.Queues);
        }
    }
}

/// <summary>An app that starts before its storage keeps trying, answers 503 meanwhile, and serves once storage is up.</summary>
public class StorageRecoveryTests
{
    [Fact]
    public async Task An_app_started_before_its_storage_answers_503_until_storage_is_up_then_serves_without_a_restart()
    {
        var (app, adminKey, (blob, queue, table)) = await StartWithoutStorageAsync(runner: false);
        using var _ = app;

        // Nothing listens yet: health says so, and a request that needs storage is a 503 to retry, not a 500.
        Assert.Equal("storage-unavailable", await ProblemTypeAsync(app, "api/health?fresh=true"));
        using (var early = await app.Http.SendAsync(Onboard(adminKey, "too-early")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Equal("application/problem+json", early.Content.Headers.ContentType?.MediaType);
        }

        // Storage comes up on the ports the app was given; the app's bootstrap retries and the app turns healthy.
        using var azurite = await AzuriteServer.StartAsync(ports: (blob, queue, table));
        var answers = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string answer;
        do
        {
            await Task.Delay(50);
            answer = await ProblemTypeAsync(app, "api/health?fresh=true");
            answers.Add(answer);
        }
        while (answer != "ok" && DateTime.UtcNow < deadline);

        Assert.Equal("ok", answer);
        Assert.All(answers.SkipLast(1), a => Assert.Contains(a, new[] { "storage-unavailable", "storage-not-ready" }));
        using var onboarded = await app.Http.SendAsync(Onboard(adminKey, "in-time"));
        Assert.Equal(HttpStatusCode.Created, onboarded.StatusCode);
    }

    [Fact]
    public async Task A_decision_link_answered_503_while_storage_is_down_keeps_its_token_out_of_the_problem_and_the_log()
    {
        var (app, _, _) = await StartWithoutStorageAsync(runner: false);
        using var _ = app;
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var ring = new LandRedevelopment.Tenants.SigningKeyRing([new LandRedevelopment.Tenants.SigningKey("k1", new byte[32], now, null)]);
        var token = LandRedevelopment.Review.DecisionLinkSigner.Create(new LandRedevelopment.Review.DecisionClaims(
            "karamay", "c0123456789abcdef", "district-investigation", 1, "district-bureau", LandRedevelopment.Review.DecisionAction.Approve,
            now, now.AddDays(30), "AAAAAAAAAAAAAAAAAAAAAA"), ring, now);

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            using var request = new HttpRequestMessage(method, "api/review/" + token) { Content = method == HttpMethod.Post ? new FormUrlEncodedContent([]) : null };
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await app.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.Equal("/api/review/…", JsonDocument.Parse(text).RootElement.GetProperty("instance").GetString());
            Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        }

        // The app's own message names the route without the token, and so does the request scope written with each line.
        // The console log is written a moment after the answer: wait for the second request's line.
        var logged = DateTime.UtcNow.AddSeconds(10);
        while (!app.Process.Output.Contains("Storage unavailable on POST", StringComparison.Ordinal) && DateTime.UtcNow < logged)
        {
            await Task.Delay(100);
        }

        Assert.Contains("Storage unavailable on GET /api/review/…", app.Process.Output, StringComparison.Ordinal);
        Assert.Contains("Storage unavailable on POST /api/review/…", app.Process.Output, StringComparison.Ordinal);
        Assert.Contains("RequestPath:/api/review/…", app.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, app.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_its_trigger_runner_on_an_app_started_before_its_storage_stays_up_and_serves_once_storage_is_up()
    {
        var (app, adminKey, (blob, queue, table)) = await StartWithoutStorageAsync(runner: true);
        using var _ = app;

        // The runner starts its listeners once the bootstrap's first attempt has given up; the timer listeners' status
        // container cannot be made, and that is retried like any listener failure rather than stopping the app.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !app.Process.Output.Contains("failed; restarting in 5 s", StringComparison.Ordinal))
        {
            await Task.Delay(200);
        }

        Assert.Contains("Local trigger runner started", app.Process.Output, StringComparison.Ordinal);
        Assert.Contains("failed; restarting in 5 s", app.Process.Output, StringComparison.Ordinal);
        await Task.Delay(1000);
        Assert.False(app.Process.HasExited, app.Process.Output);
        Assert.Equal("storage-unavailable", await ProblemTypeAsync(app, "api/health?fresh=true"));

        using var azurite = await AzuriteServer.StartAsync(ports: (blob, queue, table));
        string answer;
        deadline = DateTime.UtcNow.AddSeconds(90);
        do
        {
            await Task.Delay(100);
            answer = await ProblemTypeAsync(app, "api/health?fresh=true");
        }
        while (answer != "ok" && DateTime.UtcNow < deadline);

        Assert.Equal("ok", answer);
        using var onboarded = await app.Http.SendAsync(Onboard(adminKey, "runner-on"));
        Assert.Equal(HttpStatusCode.Created, onboarded.StatusCode);
        // The timer listeners got their container once storage was up.
        var container = new LandRedevelopment.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("azure-webjobs-hosts");
        async Task<bool> Exists()
        {
            try
            {
                await foreach (var _ in container.GetBlobsAsync())
                {
                    break;
                }

                return true;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }

        deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !await Exists())
        {
            await Task.Delay(200);
        }

        Assert.True(await Exists());
        Assert.False(app.Process.HasExited);
    }

    /// <summary>The app started on three free ports where no storage listens yet (Azurite may be started there later).</summary>
    private static async Task<(AppProcess App, string AdminKey, (int Blob, int Queue, int Table) Ports)> StartWithoutStorageAsync(bool runner)
    {
        int blob = Loopback.FreePort(), queue = Loopback.FreePort(), table = Loopback.FreePort();
        var account = LandRedevelopment.Storage.StorageConnectionString.DevelopmentAccountName;
        var connection = $"DefaultEndpointsProtocol=http;AccountName={account};" +
                         $"AccountKey={LandRedevelopment.Storage.StorageConnectionString.DevelopmentAccountKey};" +
                         $"BlobEndpoint=http://127.0.0.1:{blob}/{account};QueueEndpoint=http://127.0.0.1:{queue}/{account};TableEndpoint=http://127.0.0.1:{table}/{account};";
        var adminKey = "test-admin-" + Guid.NewGuid().ToString("N");
        var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["LocalTriggers__Enabled"] = runner ? "true" : "false",
            ["Admin__Key"] = adminKey,
        });
        return (app, adminKey, (blob, queue, table));
    }

    private static HttpRequestMessage Onboard(string adminKey, string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/admin/tenants")
        {
            Content = JsonContent.Create(new { id, displayName = "测试市", timeZone = "Asia/Shanghai", policy = TestPolicies.Minimal() }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
        return request;
    }

    /// <summary>"ok" for a 200; otherwise the problem type's last segment of a 503 problem+json (anything else fails).</summary>
    private static async Task<string> ProblemTypeAsync(AppProcess app, string path)
    {
        using var response = await app.Http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return "ok";
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("type").GetString()!.Split('/')[^1];
    }
}

public class LocalRunnerStartTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task On_its_own_the_app_starts_the_local_trigger_runner()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !fixture.App.Process.Output.Contains("Local trigger runner started", StringComparison.Ordinal))
        {
            await Task.Delay(100);
        }

        Assert.Contains("Local trigger runner started", fixture.App.Process.Output, StringComparison.Ordinal);
    }
}

/// <summary>Under the Functions host the app must listen where the host calls it, with the runner off.</summary>
public class CustomHandlerPortTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Under_the_Functions_host_the_app_listens_on_FUNCTIONS_CUSTOMHANDLER_PORT()
    {
        var port = Loopback.FreePort();
        using var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ASPNETCORE_URLS"] = null,
        }, port);

        using var response = await app.Http.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(1000);
        Assert.DoesNotContain("Local trigger runner started", app.Process.Output, StringComparison.Ordinal);
    }
}
