using System.Collections.Concurrent;
using System.Net;
using LandRedevelopment.Functions.Hosting.CustomHandler;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Queues;
using LandRedevelopment.Testing;
using Microsoft.AspNetCore.Builder;

namespace LandRedevelopment.Functions.Tests.Local;

/// <summary>
/// The local trigger runner against real Azurite, driving handlers over real HTTP with function
/// definitions that live in the tests.
/// </summary>
public class LocalTriggerRunnerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string FastHostJson = """
        { "version": "2.0", "extensions": { "queues": { "maxDequeueCount": 5, "visibilityTimeout": "00:00:00", "maxPollingInterval": "00:00:00.500", "batchSize": 4 } } }
        """;

    private static string QueueFunction(string queue) =>
        $$"""{ "bindings": [ { "name": "item", "type": "queueTrigger", "direction": "in", "queueName": "{{queue}}", "connection": "AzureWebJobsStorage" } ] }""";

    private QueueClient Queue(string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    [Fact]
    public async Task A_message_handled_successfully_is_delivered_once_with_its_metadata_and_deleted()
    {
        var queueName = AzuriteFixture.UniqueName("ok");
        var seen = new ConcurrentQueue<QueueTriggerInvocation>();
        var root = RunnerHarness.WriteAppRoot(FastHostJson, new Dictionary<string, string> { ["Succeeds"] = QueueFunction(queueName) });
        await Queue(queueName).CreateIfNotExistsAsync();
        await Queue(queueName + "-poison").CreateIfNotExistsAsync();
        await Queue(queueName).SendMessageAsync("{\"case\":\"克拉玛依-001\"}");

        await using var harness = await RunnerHarness.StartAsync(root, azurite.ConnectionString, app =>
            app.MapQueueTrigger("Succeeds", "item", (invocation, _) =>
            {
                seen.Enqueue(invocation);
                return Task.FromResult(new InvocationResult { Logs = { "handled" } });
            }));

        Assert.True(await RunnerHarness.EventuallyAsync(async () =>
            !seen.IsEmpty && (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(20)));
        var invocation = Assert.Single(seen);
        Assert.Equal("{\"case\":\"克拉玛依-001\"}", invocation.MessageText);
        Assert.Equal(1, invocation.DequeueCount);
        Assert.Equal("Succeeds", invocation.FunctionName);
        Assert.False(string.IsNullOrEmpty(invocation.MessageId));
        Assert.NotNull(invocation.InsertionTime);
        await Task.Delay(1500);
        Assert.Single(seen);
        Assert.Empty((await Queue(queueName + "-poison").PeekMessagesAsync(32)).Value ?? []);
    }

    [Fact]
    public async Task A_message_that_fails_five_times_lands_in_the_poison_queue_and_is_not_tried_again()
    {
        var queueName = AzuriteFixture.UniqueName("fail");
        var tries = new ConcurrentQueue<long>();
        var root = RunnerHarness.WriteAppRoot(FastHostJson, new Dictionary<string, string> { ["AlwaysFails"] = QueueFunction(queueName) });
        await Queue(queueName).CreateIfNotExistsAsync();
        await Queue(queueName).SendMessageAsync("doomed");
        await Queue(queueName + "-poison").CreateIfNotExistsAsync();

        await using var harness = await RunnerHarness.StartAsync(root, azurite.ConnectionString, app =>
            app.MapPost("/AlwaysFails", async (HttpRequest request) =>
            {
                var envelope = await request.ReadFromJsonAsync<InvocationRequest>();
                tries.Enqueue(QueueTriggerInvocation.From(envelope!, "item").DequeueCount);
                return Results.Problem(statusCode: 500, title: "deliberate failure");
            }));

        var poison = Queue(queueName + "-poison");
        Assert.True(await RunnerHarness.EventuallyAsync(async () =>
        {
            var peeked = await poison.PeekMessagesAsync(32);
            return peeked.Value.Length == 1;
        }, TimeSpan.FromSeconds(40)), $"not poisoned after tries {string.Join(",", tries)}");

        Assert.Equal([1L, 2, 3, 4, 5], tries.ToArray());
        Assert.Equal("doomed", (await poison.PeekMessagesAsync(1)).Value.Single().MessageText);
        await Task.Delay(1500);
        Assert.Equal(5, tries.Count);
        Assert.Equal(0, (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_message_that_fails_once_is_retried_and_then_deleted()
    {
        var queueName = AzuriteFixture.UniqueName("retry");
        var tries = 0;
        var root = RunnerHarness.WriteAppRoot(FastHostJson, new Dictionary<string, string> { ["FailsOnce"] = QueueFunction(queueName) });
        await Queue(queueName).CreateIfNotExistsAsync();
        await Queue(queueName).SendMessageAsync("flaky");
        await Queue(queueName + "-poison").CreateIfNotExistsAsync();

        await using var harness = await RunnerHarness.StartAsync(root, azurite.ConnectionString, app =>
            app.MapPost("/FailsOnce", () => Interlocked.Increment(ref tries) == 1
                ? Results.StatusCode(503)
                : Results.Ok(new InvocationResult())));

        Assert.True(await RunnerHarness.EventuallyAsync(async () =>
            tries >= 2 && (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(20)));
        await Task.Delay(1000);
        Assert.Equal(2, tries);
        Assert.Empty((await Queue(queueName + "-poison").PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task A_trigger_endpoint_answers_a_broken_envelope_with_400_problem_json()
    {
        var root = RunnerHarness.WriteAppRoot(FastHostJson, new Dictionary<string, string>());
        await using var harness = await RunnerHarness.StartAsync(root, azurite.ConnectionString, app =>
            app.MapQueueTrigger("Strict", "item", (_, _) => Task.FromResult(new InvocationResult())));
        using var http = new HttpClient { BaseAddress = harness.Address };

        using var notJson = await http.PostAsync("/Strict", new StringContent("{ nope", System.Text.Encoding.UTF8, "application/json"));
        using var wrongBinding = await http.PostAsJsonAsync("/Strict", new { Data = new { other = "x" }, Metadata = new { Id = "1" } });

        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, wrongBinding.StatusCode);
        Assert.Contains("Data.item", await wrongBinding.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timer_fires_on_its_schedule_with_the_timer_object()
    {
        var fired = new ConcurrentQueue<(DateTimeOffset At, TimerTriggerInvocation Invocation)>();
        var root = RunnerHarness.WriteAppRoot(FastHostJson, new Dictionary<string, string>
        {
            ["EverySecond"] = """{ "bindings": [ { "name": "timer", "type": "timerTrigger", "direction": "in", "schedule": "*/1 * * * * *" } ] }""",
        });

        await using var harness = await RunnerHarness.StartAsync(root, azurite.ConnectionString, app =>
            app.MapTimerTrigger("EverySecond", "timer", (invocation, _) =>
            {
                fired.Enqueue((DateTimeOffset.UtcNow, invocation));
                return Task.FromResult(new InvocationResult());
            }));

        Assert.True(await RunnerHarness.EventuallyAsync(() => Task.FromResult(fired.Count >= 3), TimeSpan.FromSeconds(15)));
        var all = fired.ToArray();
        Assert.All(all, f => Assert.Equal("EverySecond", f.Invocation.FunctionName));
        Assert.All(all, f => Assert.False(f.Invocation.Timer.IsPastDue));
        // Each firing is on a whole second, reported by the status of the one before it.
        Assert.All(all.Skip(1), f => Assert.Equal(0, f.Invocation.Timer.ScheduleStatus!.Last.Millisecond));
        // Once per second, never twice for one: each firing reports a different whole second as the one before it.
        var lasts = all.Skip(1).Select(f => f.Invocation.Timer.ScheduleStatus!.Last).ToList();
        Assert.Equal(lasts.Count, lasts.Distinct().Count());
        // The wall-clock gaps only bound the schedule loosely: a firing delayed on a loaded machine leaves a shorter gap
        // to the next, on-time one.
        var gaps = all.Zip(all.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToList();
        Assert.All(gaps, g => Assert.InRange(g, 0.0, 5.0));
    }

    [Fact]
    public async Task An_occurrence_missed_while_the_app_was_down_fires_once_at_start_as_past_due()
    {
        var hostId = "pastdue-" + Guid.NewGuid().ToString("N")[..8];
        var fired = new ConcurrentQueue<TimerTriggerInvocation>();
        var root = RunnerHarness.WriteAppRoot(FastHostJson, new Dictionary<string, string>
        {
            ["Daily"] = """{ "bindings": [ { "name": "timer", "type": "timerTrigger", "direction": "in", "schedule": "0 0 3 * * *" } ] }""",
        });
        // The status the schedule monitor left before the outage: the next run was yesterday.
        var status = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("azure-webjobs-hosts");
        await status.CreateIfNotExistsAsync();
        var yesterday = DateTimeOffset.UtcNow.Date.AddDays(-1).AddHours(3);
        using (var body = new MemoryStream(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ScheduleStatus
               {
                   Last = new DateTimeOffset(yesterday.AddDays(-1), TimeSpan.Zero),
                   Next = new DateTimeOffset(yesterday, TimeSpan.Zero),
                   LastUpdated = new DateTimeOffset(yesterday.AddDays(-1), TimeSpan.Zero),
               })))
        {
            await status.GetBlobClient($"timers/{hostId}/Daily/status").UploadAsync(body);
        }

        await using var harness = await RunnerHarness.StartAsync(root, azurite.ConnectionString, app =>
            app.MapTimerTrigger("Daily", "timer", (invocation, _) =>
            {
                fired.Enqueue(invocation);
                return Task.FromResult(new InvocationResult());
            }), hostId);

        Assert.True(await RunnerHarness.EventuallyAsync(() => Task.FromResult(!fired.IsEmpty), TimeSpan.FromSeconds(15)));
        await Task.Delay(1000);
        var invocation = Assert.Single(fired);
        Assert.True(invocation.Timer.IsPastDue);
        Assert.Equal(new DateTimeOffset(yesterday, TimeSpan.Zero), invocation.Timer.ScheduleStatus!.Next);
    }
}
