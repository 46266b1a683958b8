using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Storage.Tables;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Admin;

public class TenantsAdminTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<IReadOnlyList<string>> TenantIds()
    {
        using var response = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, "api/admin/tenants"));
        return (await Json(response)).EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task Onboarding_answers_201_with_a_key_shown_once_that_is_stored_only_as_a_hash_and_works_on_the_field_api()
    {
        var id = "karamay-" + Guid.NewGuid().ToString("N")[..6];
        using var response = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants",
            new { id, displayName = "克拉玛依市", timeZone = "Asia/Shanghai", policy = TestPolicies.Minimal() }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/admin/tenants/{id}", response.Headers.Location?.OriginalString);
        var body = await Json(response);
        var key = body.GetProperty("apiKey").GetString()!;
        Assert.StartsWith("lrk_", key, StringComparison.Ordinal);
        Assert.Equal(1, body.GetProperty("tenant").GetProperty("policyVersion").GetInt32());
        Assert.Contains(id, await TenantIds());

        // Stored only as a hash: no stored property of the tenant's partition holds the key.
        var table = new TableClient(fixture.ConnectionString, "tenants");
        await foreach (var row in table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {id}")))
        {
            Assert.DoesNotContain(row.Values, v => v is string s && s.Contains(key[8..], StringComparison.Ordinal));
        }

        using var field = new HttpRequestMessage(HttpMethod.Get, $"api/t/{id}/policy");
        field.Headers.Add("X-Api-Key", key);
        using var policy = await fixture.Http.SendAsync(field);
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        Assert.Equal("测试市", (await Json(policy)).GetProperty("policy").GetProperty("jurisdiction").GetString());
    }

    [Fact]
    public async Task Onboarding_an_existing_tenant_is_409_and_keeps_the_first_policy()
    {
        var (tenant, _) = await fixture.OnboardAsync();

        using var again = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants",
            new { id = tenant, displayName = "another", timeZone = "Asia/Shanghai", policy = TestPolicies.Minimal("另一个") }));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        using var current = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy"));
        var view = await Json(current);
        Assert.Equal(1, view.GetProperty("version").GetInt32());
        Assert.Equal("测试市低效用地办法（测试）", view.GetProperty("policy").GetProperty("name").GetString());
    }

    public static TheoryData<string, string> BadOnboardings => new()
    {
        { """{ "id": "Karamay", "displayName": "x", "timeZone": "Asia/Shanghai", "policy": {} }""", "$.id" },
        { """{ "id": "ok-id", "displayName": "", "timeZone": "Asia/Shanghai", "policy": {} }""", "$.displayName" },
        { """{ "id": "ok-id", "displayName": "x", "timeZone": "Mars/Olympus", "policy": {} }""", "$.timeZone" },
        { """{ "id": "ok-id", "displayName": "x", "timeZone": "Asia/Shanghai" }""", "$.policy" },
        { """{ "id": "ok-id", "displayName": "x", "timeZone": "Asia/Shanghai", "policy": {}, "extra": 1 }""", "$.extra" },
        { """{ "id": 5, "displayName": "x", "timeZone": "Asia/Shanghai", "policy": {} }""", "$.id" },
        { """[1, 2]""", "$" },
        { """{ "id": "ok-id", "displayName": "x", """, "$" },
    };

    [Theory]
    [MemberData(nameof(BadOnboardings))]
    public async Task A_bad_onboarding_is_400_problem_json_naming_the_field_and_creates_nothing(string body, string path)
    {
        using var request = fixture.Admin(HttpMethod.Post, "api/admin/tenants");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains(errors, e => e == path || e!.StartsWith(path + ".", StringComparison.Ordinal) || e.StartsWith(path + "[", StringComparison.Ordinal));
        // Other test classes onboard tenants on the same storage at the same time, so look for these ids only.
        Assert.DoesNotContain(await TenantIds(), id => id is "ok-id" or "karamay");
    }

    [Fact]
    public async Task An_invalid_policy_is_400_with_errors_under_the_policy_path()
    {
        var policy = TestPolicies.Minimal();
        policy["screening"]!["criteria"]![1]!["rule"]!["compare"]!["below"] = "half";
        var id = "bad-" + Guid.NewGuid().ToString("N")[..6];

        using var response = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants",
            new { id, displayName = "x", timeZone = "Asia/Shanghai", policy }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("$.policy.screening.criteria[1].rule.compare.below", errors);
        Assert.DoesNotContain(id, await TenantIds());
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        using var request = fixture.Admin(HttpMethod.Post, "api/admin/tenants");
        request.Content = new StringContent("id=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key-wrong-key-wrong-key")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Admin_calls_without_the_admin_key_are_401(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/admin/tenants");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("测试市", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_policy_version_becomes_current_while_the_old_version_stays_readable()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        var changed = TestPolicies.Minimal("测试市低效用地办法（修订）");

        using var put = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", changed));
        using var same = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", changed));
        using var current = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy"));
        using var first = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy/versions/1"));
        using var missing = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy/versions/9"));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(2, (await Json(put)).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(2, (await Json(same)).GetProperty("version").GetInt32());
        Assert.Equal("测试市低效用地办法（修订）", (await Json(current)).GetProperty("policy").GetProperty("name").GetString());
        Assert.Equal("测试市低效用地办法（测试）", (await Json(first)).GetProperty("policy").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_invalid_policy_version_is_400_with_every_error_and_keeps_the_current_version()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        var broken = TestPolicies.Minimal("坏的");
        broken["landUses"] = new JsonArray();
        broken["screening"]!["criteria"]![0]!["rule"]!["allOf"]![0]!["landUseIn"]![0] = "no-such-use";
        broken["review"]!["escalation"] = new JsonObject();

        using var put = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", broken));
        using var current = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy"));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var paths = (await Json(put)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("$.landUses", paths);
        Assert.Contains("$.review.escalation.notifyRole", paths);
        Assert.Equal(1, (await Json(current)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_policy_whose_instalment_rules_make_no_sense_together_is_422_naming_each_path_and_keeps_the_current_version()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        var meaningless = TestPolicies.Minimal("无意义的");
        var instalments = meaningless["instalments"]!.AsObject();
        instalments["allowed"] = false;
        instalments.Remove("firstPaymentAtLeast");
        instalments.Remove("allWithin");
        instalments["consentOf"] = "city-government";
        instalments["onlyFor"] = new JsonArray(new JsonObject
        {
            ["id"] = "agreement-transfer-after-transition", ["description"] = "过渡期满办理土地使用权协议出让", ["source"] = "测试 art. 7",
        });

        using var put = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", meaningless));
        using var current = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType!.MediaType);
        var errors = (await Json(put)).GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Equal(["$.instalments.consentOf", "$.instalments.onlyFor"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, m => Assert.Contains("instalments are not allowed (allowed: false)", m, StringComparison.Ordinal));
        Assert.Equal(1, (await Json(current)).GetProperty("version").GetInt32());

        // Onboarding a city with it is refused the same way, the paths under $.policy.
        var id = "meaningless-" + Guid.NewGuid().ToString("N")[..8];
        using (var onboard = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, "api/admin/tenants",
            new { id, displayName = "测试市", timeZone = "Asia/Shanghai", policy = meaningless })))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, onboard.StatusCode);
            Assert.Contains((await Json(onboard)).GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "$.policy.instalments.consentOf");
        }

        Assert.DoesNotContain(id, await TenantIds());

        // The same document of the wrong shape stays a 400.
        instalments["onlyFor"] = new JsonArray();
        using var malformed = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", meaningless));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Concurrent_policy_changes_each_get_their_own_version()
    {
        var (tenant, _) = await fixture.OnboardAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", TestPolicies.Minimal($"版本 {i}")))));

        var versions = new List<int>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            versions.Add((await Json(r)).GetProperty("version").GetInt32());
            r.Dispose();
        }

        Assert.Equal([2, 3, 4, 5], versions.Order().ToArray());
    }

    [Fact]
    public async Task A_policy_larger_than_one_table_property_round_trips_exactly()
    {
        var (tenant, _) = await fixture.OnboardAsync();
        var big = TestPolicies.Minimal();
        var attributes = (JsonArray)big["attributes"]!;
        for (var i = 0; i < 400; i++)
        {
            attributes.Add(new JsonObject { ["name"] = $"extra{i}", ["type"] = "string", ["description"] = new string('地', 120) + i });
        }

        using var put = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Put, $"api/admin/tenants/{tenant}/policy", big));
        using var get = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Get, $"api/admin/tenants/{tenant}/policy"));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var stored = (await Json(get)).GetProperty("policy");
        Assert.Equal(403, stored.GetProperty("attributes").GetArrayLength());
        Assert.True(JsonNode.DeepEquals(big, JsonNode.Parse(stored.GetRawText())));
    }
}
