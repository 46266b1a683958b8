using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests;

/// <summary>Real Azurite and the real app process talking to it, shared by a test class.</summary>
public class AppFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public AppProcess App { get; private set; } = null!;

    public AzuriteServer Azurite => _azurite.Server;

    public HttpClient Http => App.Http;

    /// <summary>The admin key the app was started with.</summary>
    public string AdminKey { get; } = "test-admin-" + Guid.NewGuid().ToString("N");

    public string ConnectionString => _azurite.ConnectionString;

    /// <summary>A request with the admin key.</summary>
    public HttpRequestMessage Admin(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    /// <summary>Onboards a tenant with a unique id and the minimal test policy; returns its id and first API key.</summary>
    public async Task<(string Tenant, string ApiKey)> OnboardAsync(string prefix = "city")
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        using var response = await Http.SendAsync(Admin(HttpMethod.Post, "api/admin/tenants",
            new { id, displayName = "测试市 " + id, timeZone = "Asia/Shanghai", policy = TestPolicies.Minimal() }));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"onboarding {id} failed: {(int)response.StatusCode} {body}");
        }

        using var doc = System.Text.Json.JsonDocument.Parse(body);
        return (id, doc.RootElement.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Settings a derived fixture adds to the app's (or overrides).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["LocalTriggers__HostId"] = "apptests-" + Guid.NewGuid().ToString("N")[..8],
            ["Admin__Key"] = AdminKey,
        };
        foreach (var (name, value) in ExtraSettings)
        {
            settings[name] = value;
        }

        App = await AppProcess.StartAsync(settings);
        await App.WaitHealthyAsync();
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
