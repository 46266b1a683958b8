using System.Net;
using System.Text.Json;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Admin;

/// <summary>The local run's onboarding of the four seed cities is idempotent across restarts.</summary>
public sealed class BuiltInTenantSeedingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seeding-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Restarting_keeps_the_tenants_their_keys_policy_versions_and_officers()
    {
        using var azurite = await AzuriteServer.StartAsync();
        var adminKey = "seed-admin-" + Guid.NewGuid().ToString("N");
        var keysFile = Path.Combine(_dir, "keys.json");
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Admin__Key"] = adminKey,
            ["Seed__BuiltInTenants"] = "true",
            ["Seed__KeysFile"] = keysFile,
        };

        var first = await RunOnceAsync(settings, adminKey, keysFile);
        var second = await RunOnceAsync(settings, adminKey, keysFile);

        Assert.Equal(["jiamusi", "karamay", "urumqi", "zhongwei"], first.Keys.Keys.Order().ToArray());
        Assert.Equal(first.Keys, second.Keys);
        Assert.All(second.PolicyVersions.Values, v => Assert.Equal(1, v));
        Assert.Equal(first.OfficerCounts, second.OfficerCounts);
        Assert.All(second.OfficerCounts.Values, c => Assert.True(c >= 3, "every city has officers for its review roles"));
    }

    private static async Task<(Dictionary<string, string> Keys, Dictionary<string, int> PolicyVersions, Dictionary<string, int> OfficerCounts)> RunOnceAsync(
        Dictionary<string, string?> settings, string adminKey, string keysFile)
    {
        var started = DateTime.UtcNow;
        using var app = await AppProcess.StartAsync(settings);
        await app.WaitHealthyAsync();
        for (var i = 0; i < 300 && !(File.Exists(keysFile) && File.GetLastWriteTimeUtc(keysFile) >= started); i++)
        {
            await Task.Delay(100);
        }

        var keys = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(keysFile))!;
        var versions = new Dictionary<string, int>();
        var officers = new Dictionary<string, int>();
        foreach (var tenant in keys.Keys)
        {
            using var policy = new HttpRequestMessage(HttpMethod.Get, $"api/t/{tenant}/policy");
            policy.Headers.Add("X-Api-Key", keys[tenant]);
            using var policyResponse = await app.Http.SendAsync(policy);
            Assert.Equal(HttpStatusCode.OK, policyResponse.StatusCode);
            versions[tenant] = JsonDocument.Parse(await policyResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32();

            using var list = new HttpRequestMessage(HttpMethod.Get, $"api/admin/tenants/{tenant}/officers");
            list.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
            using var listResponse = await app.Http.SendAsync(list);
            officers[tenant] = JsonDocument.Parse(await listResponse.Content.ReadAsStringAsync()).RootElement.GetArrayLength();
        }

        return (keys, versions, officers);
    }
}
