using LandRedevelopment.Functions.Admin;
using LandRedevelopment.Functions.Health;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Hosting.Local;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Functions.Payments;
using LandRedevelopment.Functions.Review;
using LandRedevelopment.Functions.Tenants;
using LandRedevelopment.Tenants;

// The content root is the app folder (appsettings, function.json, host.json), wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddLocalSettings(LocalSettingsConfiguration.ResolvePath(builder.Environment.ContentRootPath));

// Under the Functions host the app must listen where the host calls it; on its own, on 127.0.0.1:7071
// (the address the Functions host itself would use locally), unless --urls/ASPNETCORE_URLS say otherwise.
var customHandlerPort = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
if (!string.IsNullOrEmpty(customHandlerPort))
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{customHandlerPort}");
}
else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

// Bodies up to the Functions host's own limit (100 MB) are read far enough to answer 413 with a problem, rather than the
// connection being cut at Kestrel's 30 MB default; each endpoint still reads only what it allows (evidence uploads raise
// the limit to the declared file size).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 100L * 1024 * 1024);

// Structured (JSON) console logs in Azure, single lines locally: see appsettings*.json.

builder.Services.AddApiProblems();
builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
{
    document.Info.Title = "Low-efficiency land redevelopment service";
    document.Info.Description = "Tenant cities, parcel surveys and evidence, the multi-level review, and staged land-price payments.";
    return Task.CompletedTask;
}));
if (ClockApi.IsEnabled(builder.Configuration))
{
    // Tests and demos only: the whole service runs on a clock that can be moved forward.
    builder.Services.AddSingleton(new LandRedevelopment.Clock.AdjustableClock(TimeProvider.System));
    builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<LandRedevelopment.Clock.AdjustableClock>());
    builder.Services.AddHostedService<ClockSync>();
}

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new LandRedevelopment.Clock.ClockStore(sp.GetRequiredService<StorageAccount>().Tables.GetTableClient("clock")));
builder.Services.AddSingleton(sp => new StorageAccount(sp.GetRequiredService<IConfiguration>(), StorageAccount.DefaultConnectionName, sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton(sp => new TenantDirectory(sp.GetRequiredService<StorageAccount>().Tables.GetTableClient("tenants"), sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton(sp => new LandRedevelopment.Cases.CaseStore(sp.GetRequiredService<StorageAccount>().Tables, sp.GetRequiredService<StorageAccount>().Blobs,
    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<LandRedevelopment.Outbox.OutboxRelay>()));
builder.Services.AddReview(builder.Configuration);
builder.Services.AddSingleton(sp => new StorageHealth(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton<StorageBootstrap>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StorageBootstrap>());
builder.Services.AddSingleton<AdminAuthorization>();
builder.Services.AddSingleton<TenantApiKeyFilter>();
builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
builder.Services.AddSingleton<BuiltInTenantSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<BuiltInTenantSeeder>());
builder.Services.AddLocalTriggerRunner();

var app = builder.Build();

// Storage is bootstrapped while the rest starts up; requests wait for its first attempt (UseStorageReadiness).
_ = app.Services.GetRequiredService<StorageBootstrap>().Begin();

if (app.Configuration.GetValue<bool>("Hosting:ExitWhenStdinCloses"))
{
    // For a parent that starts the app as a child (test fixtures): when its end of our stdin closes,
    // whatever the reason, we stop instead of outliving it.
    var lifetime = app.Lifetime;
    _ = Task.Run(async () =>
    {
        await using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await stdin.ReadAsync(buffer) > 0)
        {
        }

        lifetime.StopApplication();
    });
}

app.UseApiProblems();
app.UseStorageReadiness();
app.MapOpenApi("/api/openapi/{documentName}.json");
app.UseSwaggerUI(o =>
{
    o.RoutePrefix = "api/docs";
    o.SwaggerEndpoint("/api/openapi/v1.json", "v1");
    o.DocumentTitle = "Land redevelopment API";
});

app.MapHealthApi();
app.MapTenantsAdminApi();
app.MapTenantResourcesAdminApi();
app.MapFieldApi();
app.MapPolicyDocs();
app.MapClockApi();
app.MapReviewLinks();
app.MapReviewTriggers();
app.MapPaymentTriggers();

app.Run();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
