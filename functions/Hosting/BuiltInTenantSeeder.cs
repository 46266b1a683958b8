using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>Settings of the built-in tenant seeding (section <c>Seed</c>), used by the local run.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Onboard karamay, urumqi, zhongwei and jiamusi with sample officers at start-up.</summary>
    public bool BuiltInTenants { get; set; }

    /// <summary>Where new API keys are written (JSON: tenant → key), since a key is shown only once.</summary>
    public string? KeysFile { get; set; }

    /// <summary>The domain of the sample officers' e-mail addresses (MailDev catches every address).</summary>
    public string SampleEmailDomain { get; set; } = "maildev.local";
}

/// <summary>
/// Onboards the four seed cities idempotently: a missing tenant is created (its first API key written
/// to the keys file), an existing one gets the built-in policy as a new version only if it changed, and
/// every role the policy names gets a sample officer.
/// </summary>
public sealed partial class BuiltInTenantSeeder(IOptions<SeedOptions> options, TenantDirectory directory, StorageBootstrap storage, ILogger<BuiltInTenantSeeder> logger) : BackgroundService
{
    /// <summary>A district per city for the sample district-level officers.</summary>
    private static readonly Dictionary<string, string> SampleDistricts = new()
    {
        ["karamay"] = "克拉玛依区",
        ["urumqi"] = "天山区",
        ["zhongwei"] = "沙坡头区",
        ["jiamusi"] = "向阳区",
    };

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.BuiltInTenants)
        {
            _done.TrySetResult();
            return;
        }

        await storage.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        var keys = ReadKeys();
        foreach (var city in SeedPolicies.All)
        {
            var existing = await directory.GetAsync(city.TenantId, stoppingToken).ConfigureAwait(false);
            if (existing is null)
            {
                var (_, key) = await directory.CreateAsync(city.TenantId, city.DisplayName, city.TimeZone, city.Json, stoppingToken).ConfigureAwait(false);
                keys[city.TenantId] = key;
                LogOnboarded(logger, city.TenantId, city.DisplayName);
            }
            else
            {
                var version = await directory.AddPolicyVersionAsync(city.TenantId, city.Json, stoppingToken).ConfigureAwait(false);
                if (version.Version != existing.PolicyVersion)
                {
                    LogPolicyUpdated(logger, city.TenantId, version.Version);
                }

                if (!keys.ContainsKey(city.TenantId))
                {
                    // The key from the first run is gone with the keys file: issue one for this run.
                    keys[city.TenantId] = (await directory.CreateApiKeyAsync(city.TenantId, "local run", stoppingToken).ConfigureAwait(false)).Key;
                }
            }

            foreach (var officer in SampleOfficers(city.TenantId, city.Policy, options.Value.SampleEmailDomain))
            {
                await directory.UpsertOfficerAsync(city.TenantId, officer, stoppingToken).ConfigureAwait(false);
            }
        }

        WriteKeys(keys);
        foreach (var (tenant, key) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            LogKey(logger, tenant, key);
        }

        _done.TrySetResult();
    }

    /// <summary>One sample officer per role the policy names, district roles in the city's sample district.</summary>
    public static IReadOnlyList<Officer> SampleOfficers(string tenantId, PolicyDocument policy, string emailDomain)
    {
        var district = SampleDistricts.GetValueOrDefault(tenantId, "示例区");
        var roles = policy.Review.DeterminationChains.Concat(policy.Review.PlanChains).SelectMany(c => c.Steps).Select(s => s.Role)
            .Append(policy.Review.Escalation.NotifyRole)
            .Concat(policy.Review.PlanGates.SelectMany(g => g.ApprovedBy))
            .Select(r => RoleResolver.Resolve(r, district))
            .Distinct(StringComparer.Ordinal);

        return roles.Select(role =>
        {
            var id = role.Split(':')[0];
            return new Officer(id, $"示例官员（{role}）", $"{id}@{tenantId}.{emailDomain}", [role]);
        }).GroupBy(o => o.Id).Select(g => g.First() with { Roles = g.SelectMany(o => o.Roles).ToList() }).ToList();
    }

    private Dictionary<string, string> ReadKeys()
    {
        var file = options.Value.KeysFile;
        if (file is null || !File.Exists(file))
        {
            return new(StringComparer.Ordinal);
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? new(StringComparer.Ordinal);
    }

    private void WriteKeys(Dictionary<string, string> keys)
    {
        if (options.Value.KeysFile is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);

            // Written beside it and renamed over it, so that whoever reads the file (run-local.sh prints it as soon as it
            // appears) sees the old keys or the new ones, never a half-written file.
            var written = file + ".tmp-" + Guid.NewGuid().ToString("N");
            File.WriteAllText(written, new JsonObject(keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.Move(written, file, overwrite: true);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Onboarded built-in tenant {Tenant} ({DisplayName})")]
    private static partial void LogOnboarded(ILogger logger, string tenant, string displayName);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Built-in tenant {Tenant}: policy updated to version {Version}")]
    private static partial void LogPolicyUpdated(ILogger logger, string tenant, int version);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Field-app API key of {Tenant}: {ApiKey}")]
    private static partial void LogKey(ILogger logger, string tenant, string apiKey);
}
