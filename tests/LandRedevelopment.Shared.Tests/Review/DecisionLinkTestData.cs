using LandRedevelopment.Review;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Shared.Tests.Review;

// TEST DATA: made-up tenants, cases, officers and keys; the secrets are fixed bytes, never real keys.
internal static class DecisionLinkTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));

    public static byte[] Secret(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    public static SigningKey Key(string id, byte fill, DateTimeOffset createdAt, DateTimeOffset? retiresAt = null) =>
        new(id, Secret(fill), createdAt, retiresAt);

    public static SigningKeyRing Ring(params SigningKey[] keys) => new(keys);

    public static readonly SigningKeyRing Shenzhen = Ring(Key("20250101000000-0a1b2c3d", 0x11, T0.AddDays(-60)));

    public static DecisionClaims Claims(
        string tenantId = "shenzhen", DecisionAction action = DecisionAction.Approve, TimeSpan? lifetime = null, DateTimeOffset? now = null) =>
        DecisionClaims.Issue(tenantId, "CASE-2025-0042", "district-review", 1, "officer-王芳", action, now ?? T0, lifetime ?? TimeSpan.FromDays(3), Mailbox);

    /// <summary>The address the test links are mailed to.</summary>
    public const string Mailbox = "wangfang@district.example.cn";
}
