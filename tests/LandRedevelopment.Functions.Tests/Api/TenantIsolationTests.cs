using System.Net;
using System.Text.Json;

namespace LandRedevelopment.Functions.Tests.Api;

/// <summary>
/// Walks every field-app route in the OpenAPI document (so new routes are covered as they are added)
/// with keys that must not open tenant A: tenant B's key, a revoked key of A, a malformed key, none.
/// </summary>
public class TenantIsolationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Every_field_route_refuses_other_tenants_revoked_malformed_and_missing_keys_and_reveals_nothing()
    {
        var (tenantA, keyA) = await fixture.OnboardAsync("city-a");
        var (_, keyB) = await fixture.OnboardAsync("city-b");
        using (var created = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Post, $"api/admin/tenants/{tenantA}/keys")))
        {
            var revoked = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            using var revoke = await fixture.Http.SendAsync(fixture.Admin(HttpMethod.Delete,
                $"api/admin/tenants/{tenantA}/keys/{revoked.GetProperty("key").GetProperty("prefix").GetString()}"));
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            Keys["revoked key of A"] = revoked.GetProperty("apiKey").GetString();
        }

        Keys["key of B"] = keyB;
        Keys["malformed"] = "lrk_abc";
        Keys["A's key with the last character changed"] = keyA[..^1] + (keyA[^1] == 'x' ? 'y' : 'x');
        Keys["none"] = null;

        using var doc = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/openapi/v1.json"));
        var operations = doc.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/t/{tenant}", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Path: p.Name, Method: m.Name.ToUpperInvariant())))
            .ToList();
        Assert.NotEmpty(operations);

        var tried = 0;
        foreach (var (path, method) in operations)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(path.Replace("{tenant}", tenantA, StringComparison.Ordinal), @"\{[^}]+\}", "x").TrimStart('/');
            foreach (var (what, key) in Keys)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (key is not null)
                {
                    request.Headers.Add("X-Api-Key", key);
                }

                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await fixture.Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {url} with {what}: {(int)response.StatusCode}");
                Assert.DoesNotContain("测试市", body, StringComparison.Ordinal);
                Assert.DoesNotContain(tenantA, body.Replace(url, "", StringComparison.Ordinal), StringComparison.Ordinal);
                tried++;
            }

            // The right key opens it: the refusals above are about the key, not a broken route.
            using var ok = new HttpRequestMessage(new HttpMethod(method), url);
            ok.Headers.Add("X-Api-Key", keyA);
            using var allowed = await fixture.Http.SendAsync(ok);
            Assert.NotEqual(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        Assert.True(tried >= operations.Count * 5);
    }

    [Fact]
    public async Task An_unknown_tenant_answers_exactly_like_a_wrong_key()
    {
        var (tenant, key) = await fixture.OnboardAsync();
        using var unknown = new HttpRequestMessage(HttpMethod.Get, "api/t/no-such-city/policy");
        unknown.Headers.Add("X-Api-Key", key);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, $"api/t/{tenant}/policy");
        wrong.Headers.Add("X-Api-Key", key[..^2] + "zz");

        using var a = await fixture.Http.SendAsync(unknown);
        using var b = await fixture.Http.SendAsync(wrong);

        Assert.Equal(a.StatusCode, b.StatusCode);
        var bodyA = JsonDocument.Parse(await a.Content.ReadAsStringAsync()).RootElement;
        var bodyB = JsonDocument.Parse(await b.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(bodyA.GetProperty("title").GetString(), bodyB.GetProperty("title").GetString());
        Assert.Equal(bodyA.GetProperty("detail").GetString(), bodyB.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_admin_route_refuses_a_tenant_api_key()
    {
        var (_, key) = await fixture.OnboardAsync();
        using var doc = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/openapi/v1.json"));
        var operations = doc.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/admin", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Path: p.Name, Method: m.Name.ToUpperInvariant())))
            .ToList();
        Assert.NotEmpty(operations);

        foreach (var (path, method) in operations)
        {
            var url = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "1").TrimStart('/');
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            request.Headers.Add("X-Api-Key", key);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            using var response = await fixture.Http.SendAsync(request);
            // The clock exists only where configured; elsewhere it is 404 before any key is looked at.
            var expected = path.StartsWith("/api/admin/clock", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized;
            Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    private Dictionary<string, string?> Keys { get; } = [];
}
