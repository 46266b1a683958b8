namespace LandRedevelopment.Tenants;

/// <summary>A per-tenant secret for signing e-mail links.</summary>
public sealed record SigningKey(string Id, byte[] Secret, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt)
{
    /// <summary>Still accepted for verification at <paramref name="now"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => RetiresAt is null || now < RetiresAt;
}

/// <summary>What admins see of a signing key: never the secret.</summary>
public sealed record SigningKeyInfo(string Id, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt, bool Active);

/// <summary>
/// A tenant's signing keys. New links are signed with the newest key; links signed with an older key
/// still verify until that key retires, so a rotation whose overlap outlasts the links already mailed breaks none of them.
/// </summary>
public sealed class SigningKeyRing(IReadOnlyList<SigningKey> keys)
{
    public IReadOnlyList<SigningKey> Keys { get; } = keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal).ToList();

    /// <summary>The key that signs new links.</summary>
    public SigningKey? Active(DateTimeOffset now) => Keys.FirstOrDefault(k => k.IsValidAt(now));

    /// <summary>A key that may verify a link signed with <paramref name="keyId"/>.</summary>
    public SigningKey? ForVerification(string keyId, DateTimeOffset now) =>
        Keys.FirstOrDefault(k => k.Id == keyId && k.IsValidAt(now));

    public IReadOnlyList<SigningKeyInfo> Describe(DateTimeOffset now)
    {
        var active = Active(now);
        return Keys.Select(k => new SigningKeyInfo(k.Id, k.CreatedAt, k.RetiresAt, k == active)).ToList();
    }
}
