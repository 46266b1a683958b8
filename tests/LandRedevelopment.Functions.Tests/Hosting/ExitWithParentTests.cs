using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Hosting;

/// <summary>Children started by the fixtures stop when their parent's end of stdin closes, so none outlives a test run.</summary>
public class ExitWithParentTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_app_stops_when_its_stdin_closes()
    {
        using var app = await AppProcess.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["LocalTriggers__Enabled"] = "false" });

        app.Process.Process.StandardInput.Close();

        Assert.True(app.Process.Process.WaitForExit(20_000), "the app kept running after its stdin closed");
    }

    [Fact]
    public async Task An_emulator_stops_when_its_stdin_closes()
    {
        using var server = await AzuriteServer.StartAsync();

        server.Process.Process.StandardInput.Close();

        Assert.True(server.Process.Process.WaitForExit(20_000), "Azurite kept running after its stdin closed");
    }
}
