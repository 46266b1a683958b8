using System.Reflection;
using System.Text.Json;

namespace LandRedevelopment.Policies;

/// <summary>A city the service ships a policy for, to onboard as a tenant.</summary>
/// <param name="TenantId">The tenant id, e.g. karamay.</param>
/// <param name="DisplayName">The city's name, e.g. 克拉玛依市.</param>
/// <param name="TimeZone">The IANA time zone legal time is kept in (China Standard Time).</param>
/// <param name="Policy">The parsed policy document.</param>
/// <param name="Json">The document exactly as shipped, for storing as the tenant's first policy version.</param>
public sealed record SeedCity(string TenantId, string DisplayName, string TimeZone, PolicyDocument Policy, string Json);

/// <summary>
/// The policies of the pilot cities, encoded from their texts (see shared/design/POLICIES.md) and
/// embedded in the assembly so that onboarding a city needs no file on disk.
/// </summary>
public static class SeedPolicies
{
    private const string ChinaTimeZone = "Asia/Shanghai";

    private static readonly (string TenantId, string DisplayName)[] Cities =
    [
        ("karamay", "克拉玛依市"),
        ("urumqi", "乌鲁木齐市"),
        ("zhongwei", "中卫市"),
        ("jiamusi", "佳木斯市"),
    ];

    private static readonly Lazy<IReadOnlyList<SeedCity>> Loaded = new(Load);

    /// <summary>Every seed city, in onboarding order.</summary>
    public static IReadOnlyList<SeedCity> All => Loaded.Value;

    /// <summary>The seed city with this tenant id.</summary>
    /// <exception cref="KeyNotFoundException">No seed city has that id.</exception>
    public static SeedCity Get(string tenantId) =>
        All.FirstOrDefault(c => c.TenantId == tenantId)
        ?? throw new KeyNotFoundException($"No seed policy for tenant '{tenantId}'. Seeds: {string.Join(", ", All.Select(c => c.TenantId))}.");

    private static IReadOnlyList<SeedCity> Load()
    {
        var assembly = typeof(SeedPolicies).Assembly;
        return Cities.Select(city =>
        {
            var json = ReadResource(assembly, $"LandRedevelopment.Policies.Seeds.{city.TenantId}.json");
            var policy = JsonSerializer.Deserialize<PolicyDocument>(json, PolicyJson.Options)
                ?? throw new InvalidDataException($"The seed policy of {city.TenantId} is empty.");
            return new SeedCity(city.TenantId, city.DisplayName, ChinaTimeZone, policy, json);
        }).ToList();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"The seed policy resource '{name}' is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
