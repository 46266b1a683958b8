using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Hosting.Local;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Hosting;

public sealed class HostingConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hosting-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Local_settings_values_become_configuration_with_double_underscore_as_section_separator()
    {
        var file = Path.Combine(_dir, "local.settings.json");
        File.WriteAllText(file, """{ "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Admin__Key": "k1", "LocalTriggers__Enabled": true } }""");
        var configuration = new ConfigurationManager();

        configuration.AddLocalSettings(file);

        Assert.Equal("UseDevelopmentStorage=true", configuration["AzureWebJobsStorage"]);
        Assert.Equal("k1", configuration["Admin:Key"]);
        Assert.Equal("true", configuration["LocalTriggers:Enabled"]);
    }

    [Fact]
    public void Environment_variables_override_local_settings()
    {
        var file = Path.Combine(_dir, "local.settings.json");
        File.WriteAllText(file, """{ "Values": { "HostingTest__Value": "from-file" } }""");
        Environment.SetEnvironmentVariable("HostingTest__Value", "from-env");
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddEnvironmentVariables();

            configuration.AddLocalSettings(file);

            Assert.Equal("from-env", configuration["HostingTest:Value"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HostingTest__Value", null);
        }
    }

    [Theory]
    [InlineData("Review__LinkGraceAfterDue", "00:00:00", "Review:LinkGraceAfterDue must be more than zero")]
    [InlineData("Review__LinkGraceAfterDue", "-1.00:00:00", "Review:LinkGraceAfterDue must be more than zero")]
    [InlineData("Review__PublicBaseUrl", "review.example.gov.cn", "Review:PublicBaseUrl must be an absolute http or https address")]
    public async Task A_review_setting_that_would_break_every_step_stops_the_app_at_start_saying_which(string setting, string value, string message)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9",
            ["LocalTriggers__Enabled"] = "false",
            [setting] = value,
        }));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_function_app_has_host_json_and_a_function_json_per_function()
    {
        var functions = FunctionCatalog.Load(AppProcess.AppDirectory);

        Assert.True(File.Exists(Path.Combine(AppProcess.AppDirectory, "host.json")));
        Assert.Contains(functions, f => f.Name == "Health" && f.IsHttp && f.Trigger.Route == "api/health");
        Assert.All(functions, f => Assert.Single(f.Bindings, b => b.Type.EndsWith("Trigger", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_shipped_host_json_configures_the_custom_handler_and_five_dequeues()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var handler = doc.RootElement.GetProperty("customHandler");

        Assert.Equal("LandRedevelopment.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", doc.RootElement.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal(5, QueueTriggerSettings.Load(RepoPaths.Root).MaxDequeueCount);
    }

    [Fact]
    public void No_route_starts_with_admin_and_every_route_carries_api_because_the_host_reserves_admin()
    {
        // The Functions host refuses any function route template that starts with "admin" (its own
        // management API), whatever the routePrefix; so the prefix is empty and routes spell out "api/".
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        Assert.Equal("", doc.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        foreach (var function in FunctionCatalog.Load(AppProcess.AppDirectory).Where(f => f.IsHttp))
        {
            Assert.StartsWith("api/", function.Trigger.Route, StringComparison.Ordinal);
            Assert.False(function.Trigger.Route!.StartsWith("admin", StringComparison.OrdinalIgnoreCase), function.Name);
        }
    }

    [Fact]
    public void Queue_settings_default_to_the_hosts_values_without_host_json()
    {
        var settings = QueueTriggerSettings.Load(_dir);

        Assert.Equal(16, settings.BatchSize);
        Assert.Equal(8, settings.NewBatchThreshold);
        Assert.Equal(5, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, settings.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.MaxPollingInterval);
        Assert.True(settings.Base64);
    }

    [Fact]
    public void A_function_json_with_two_triggers_is_refused_with_its_path()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "Broken"));
        File.WriteAllText(Path.Combine(_dir, "Broken", "function.json"),
            """{ "bindings": [ { "type": "queueTrigger", "name": "a", "queueName": "q" }, { "type": "timerTrigger", "name": "b", "schedule": "* * * * * *" } ] }""");

        var e = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Load(_dir));
        Assert.Contains(Path.Combine("Broken", "function.json"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_properties_resolve_percent_settings()
    {
        var configuration = new ConfigurationManager();
        configuration["Queues:Payments"] = "payments";

        Assert.Equal("payments-poison", FunctionCatalog.ResolveSettings("%Queues__Payments%-poison", configuration));
        Assert.Throws<InvalidOperationException>(() => FunctionCatalog.ResolveSettings("%Missing%", configuration));
    }
}
