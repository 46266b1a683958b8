using LandRedevelopment.Functions.Admin;
using LandRedevelopment.Functions.Health;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Hosting.Local;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Functions.Review;
using LandRedevelopment.Functions.Tenants;
using LandRedevelopment.Tenants;

// The content root is the app folder (appsettings, function.json, host.json), wherever it is started from.
// The slim builder: the app serves plain HTTP on loopback to the Functions host, so it leaves out what it would never use
// (HTTPS and HTTP/3 in Kestrel, IIS integration, hosting-startup assemblies, the Debug and EventSource log providers,
// regex route constraints), which also shortens every cold start (BENCHMARKS.md, change 18).
// Settings files are not watched for changes: a deployment replaces the whole app folder (and restarts it), and a watch
// over the content root would set up one inotify watch per function folder at every start.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    ContentRootPath = AppContext.BaseDirectory,
});
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

builder.Services.AddLogRedaction();
builder.Services.AddCaseLimitProblems();
builder.Services.AddApiProblems();
builder.Services.AddHealthApi();
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
builder.Services.AddStorageCircuitBreakers();
builder.Services.AddSingleton(sp => new StorageAccount(sp.GetRequiredService<IConfiguration>(), StorageAccount.DefaultConnectionName, sp.GetRequiredService<TimeProvider>(),
    sp.GetRequiredService<LandRedevelopment.Storage.StorageCircuitBreakers>()));
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

// Storage is bootstrapped while the rest starts up; requests wait for its first attempt (UseStorageReadiness). Even the
// storage clients are built off this thread, while the endpoints are mapped.
_ = Task.Run(() => app.Services.GetRequiredService<StorageBootstrap>().Begin());

if (app.Configuration.GetValue<bool>("Hosting:ExitWhenStdinCloses"))
{
    // For a parent that starts the app as a child (test fixtures): when its end of our stdin closes,
    // whatever the reason, we stop instead of outliving it.
    // Reading the console blocks a thread whatever the API (the console stream has no asynchronous read), so the watch
    // has a thread of its own rather than holding one of the thread pool's for the app's whole life.
    var lifetime = app.Lifetime;
    new Thread(() =>
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (stdin.Read(buffer) > 0)
        {
        }

        lifetime.StopApplication();
    })
    { IsBackground = true, Name = "stdin watch" }.Start();
}

app.UseApiProblems();
// Routing before the readiness wait: a request that comes while storage is still being bootstrapped is matched to its
// endpoint meanwhile (on the first request, building the route table overlaps the bootstrap's round trips).
app.UseRouting();
app.UseStorageReadiness();
app.MapOpenApi("/api/openapi/{documentName}.json");
app.UseApiDocsPage("/api/openapi/v1.json");

app.MapServiceEndpoints();

app.Run();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
