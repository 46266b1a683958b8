using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Api;

/// <summary>
/// The README's run command, end to end: <c>scripts/run-local.sh</c> brings up Azurite, MailDev and the
/// app, the app answers its health check, and Ctrl-C (SIGINT) stops all of it. Free ports keep it clear
/// of a developer's running instance.
/// </summary>
public sealed class RunLocalScriptTests : IDisposable
{
    private readonly string _localDir = Directory.CreateTempSubdirectory("run-local-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_localDir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    [Fact]
    public async Task The_run_command_serves_health_200_and_stops_everything_on_ctrl_c()
    {
        var ports = new Dictionary<string, int>
        {
            ["APP_PORT"] = Loopback.FreePort(), ["BLOB_PORT"] = Loopback.FreePort(), ["QUEUE_PORT"] = Loopback.FreePort(),
            ["TABLE_PORT"] = Loopback.FreePort(), ["SMTP_PORT"] = Loopback.FreePort(), ["MAILDEV_WEB_PORT"] = Loopback.FreePort(),
        };
        var environment = ports.ToDictionary(p => p.Key, p => (string?)p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        environment["SKIP_SETUP"] = "1";
        environment["LOCAL_DIR"] = _localDir;
        environment["CONFIGURATION"] = Path.GetFileName(Path.GetDirectoryName(AppProcess.AppDirectory.TrimEnd(Path.DirectorySeparatorChar)));

        // As from a terminal: SIGINT at its default, whatever the test run inherited (a run started in the background by a
        // shell without job control ignores SIGINT, and a shell that starts with it ignored cannot trap it).
        using var script = ChildProcess.Start("env", ["--default-signal=INT", "bash", Path.Combine(RepoPaths.Root, "scripts", "run-local.sh")], RepoPaths.Root, environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports["APP_PORT"]}/"), Timeout = TimeSpan.FromSeconds(10) };

        HttpStatusCode? status = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline && status != HttpStatusCode.OK)
        {
            Assert.False(script.HasExited, "run-local.sh exited early:\n" + script.Output);
            try
            {
                using var response = await http.GetAsync("api/health");
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(status == HttpStatusCode.OK, "health never answered 200:\n" + script.Output);
        using (var maildev = await http.GetAsync($"http://127.0.0.1:{ports["MAILDEV_WEB_PORT"]}/email"))
        {
            Assert.Equal(HttpStatusCode.OK, maildev.StatusCode);
        }

        Assert.True(Directory.EnumerateFileSystemEntries(Path.Combine(_localDir, "azurite")).Any(), "Azurite keeps no data on disk");

        // The four built-in cities are onboarded, their keys printed and written, and a key works.
        var keys = await BuiltInKeysAsync(script);
        Assert.Equal(["jiamusi", "karamay", "urumqi", "zhongwei"], keys.Keys.Order().ToArray());
        Assert.Contains($"karamay  {keys["karamay"]}", script.Output, StringComparison.Ordinal);
        using (var policy = new HttpRequestMessage(HttpMethod.Get, "api/t/karamay/policy"))
        {
            policy.Headers.Add("X-Api-Key", keys["karamay"]);
            using var response = await http.SendAsync(policy);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("克拉玛依", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var adminKey = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_localDir, "local.settings.json"))).RootElement
            .GetProperty("Values").GetProperty("Admin__Key").GetString()!;
        Assert.Contains(Path.Combine(_localDir, "local.settings.json"), script.Output, StringComparison.Ordinal);
        using (var officers = new HttpRequestMessage(HttpMethod.Get, "api/admin/tenants/zhongwei/officers"))
        {
            officers.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(officers);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("@zhongwei.maildev.local", body, StringComparison.Ordinal);
        }

        using (var interrupt = Process.Start("kill", ["-INT", script.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        Assert.True(script.Process.WaitForExit(30_000), "run-local.sh did not stop on SIGINT:\n" + script.Output);
        foreach (var (name, port) in ports)
        {
            Assert.False(await IsListening(port), $"{name} {port} still listening after Ctrl-C:\n{script.Output}");
        }
    }

    private async Task<Dictionary<string, string>> BuiltInKeysAsync(ChildProcess script)
    {
        var file = Path.Combine(_localDir, "tenant-api-keys.json");
        for (var i = 0; i < 300 && !(File.Exists(file) && script.Output.Contains("run-local:   zhongwei", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(file))!;
    }

    private static async Task<bool> IsListening(int port)
    {
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
