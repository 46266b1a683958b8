using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests;

/// <summary>Real Azurite and the real app process talking to it, shared by a test class.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public AppProcess App { get; private set; } = null!;

    public AzuriteServer Azurite => _azurite.Server;

    public HttpClient Http => App.Http;

    public async Task InitializeAsync()
    {
        App = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["LocalTriggers__HostId"] = "apptests-" + Guid.NewGuid().ToString("N")[..8],
        });
        await App.WaitHealthyAsync();
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
