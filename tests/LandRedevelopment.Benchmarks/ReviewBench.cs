using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LandRedevelopment.Policies;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Benchmarks;

/// <summary>Polls MailDev and hands decision mails to whoever waits for (case, step#visit).</summary>
public sealed partial class MailWatcher : IAsyncDisposable
{
    private readonly MailDevServer _mail;
    private readonly ConcurrentDictionary<string, CapturedMail> _seen = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CapturedMail>> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MailWatcher(MailDevServer mail)
    {
        _mail = mail;
        _loop = Task.Run(LoopAsync);
    }

    private static string Key(string caseId, string step) => caseId + "/" + step;

    public Task<CapturedMail> WaitAsync(string caseId, string step) =>
        _waiting.GetOrAdd(Key(caseId, step), k => new TaskCompletionSource<CapturedMail>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                foreach (var m in await _mail.MessagesAsync(_stop.Token))
                {
                    if (m.Header("x-review-kind") == "decision-request" && m.Header("x-case-id") is { } c && m.Header("x-review-step") is { } s && _seen.TryAdd(m.Id, m))
                    {
                        _waiting.GetOrAdd(Key(c, s), k => new TaskCompletionSource<CapturedMail>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(m);
                    }
                }

                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
    }

    public static string Link(CapturedMail mail, string action)
    {
        var match = Regex.Match(mail.Text ?? "", "^" + action + @" [^:\r\n]+: (\S+)\r?$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"no {action} link in: {mail.Text}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>
/// Review throughput: a tenant onboarded with a three-step determination chain (乌鲁木齐's policy with a district-bureau
/// check inserted between its two steps), N candidate cases, every step approved by pressing the button behind the
/// approve link of its decision mail as MailDev caught it. Decisions per second from the first submission to the last
/// decision answered.
/// </summary>
public static class ReviewBench
{
    public static async Task<List<Result>> RunAsync(BenchEnv env, BenchOptions o)
    {
        var tenant = "bench3-" + Guid.NewGuid().ToString("N")[..6];
        var policy = JsonNode.Parse(SeedPolicies.Get("urumqi").Json)!.AsObject();
        var chain = policy["review"]!["determinationChains"]![0]!.AsObject();
        var steps = chain["steps"]!.AsArray();
        var middle = JsonNode.Parse(steps[0]!.ToJsonString())!.AsObject();
        middle["id"] = "district-bureau-check";
        middle["name"] = "区自然资源局复核（基准测试）";
        middle["role"] = "district-bureau:{district}";
        steps.Insert(1, middle);
        chain["name"] = "区政府 → 区局 → 市局（基准测试）";
        var onboarded = await env.SendAdminAsync(HttpMethod.Post, "api/admin/tenants",
            new { id = tenant, displayName = "三级审查基准市", timeZone = "Asia/Shanghai", policy });
        var key = onboarded.GetProperty("apiKey").GetString()!;
        var district = Bench.Cities["urumqi"].District;
        var roles = new[] { $"district-government:{district}", $"district-bureau:{district}", "city-bureau" };
        for (var i = 0; i < roles.Length; i++)
        {
            await env.SendAdminAsync(HttpMethod.Put, $"api/admin/tenants/{tenant}/officers/officer-{i + 1}",
                new { name = $"审查员{i + 1}", email = $"officer-{i + 1}@{tenant}.maildev.local", roles = new[] { roles[i] } });
        }

        var stepIds = steps.Select(s => s!["id"]!.GetValue<string>()).ToArray();
        await env.MailDev!.ClearAsync();
        await using var mail = new MailWatcher(env.MailDev);
        var stepLatencies = new ConcurrentBag<double>();
        var sw = Stopwatch.StartNew();
        await Bench.RunAsync(o.ReviewCases, o.ReviewConcurrency, async _ =>
        {
            var created = await Bench.SendAsync(env.App.Http,
                Bench.Field(HttpMethod.Post, tenant, key, "surveys", JsonContent.Create(Bench.Survey("urumqi", candidate: true))), HttpStatusCode.Created);
            var caseId = created.GetProperty("caseId").GetString()!;
            var since = Stopwatch.GetTimestamp();
            foreach (var step in stepIds)
            {
                var m = await mail.WaitAsync(caseId, step + "#1").WaitAsync(TimeSpan.FromSeconds(60));
                stepLatencies.Add(Stopwatch.GetElapsedTime(since).TotalMilliseconds);
                var token = MailWatcher.Link(m, "approve");
                token = token[(token.LastIndexOf('/') + 1)..];
                using var response = await env.App.Http.PostAsync(new Uri("api/review/" + token, UriKind.Relative), new FormUrlEncodedContent([]));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"decision {caseId} {step}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }

                since = Stopwatch.GetTimestamp();
            }
        });
        var elapsed = sw.Elapsed;
        var decisions = o.ReviewCases * stepIds.Length;
        var rate = decisions / elapsed.TotalSeconds;
        var p50 = Bench.Median(stepLatencies);
        Bench.Log($"review: {o.ReviewCases} cases × {stepIds.Length} steps in {elapsed.TotalSeconds:0.0} s: {rate:0.0} decisions/s; mail wait p50 {p50:0} ms");
        return [new Result($"review decisions/s, {stepIds.Length}-step chain", rate, "/s", null, null, null,
            $"{o.ReviewCases} cases, {o.ReviewConcurrency} at a time; submit → mail → link POST; mail wait p50 {p50:0} ms (MailDev polled every 100 ms)")];
    }
}
