using System.Text.RegularExpressions;

namespace LandRedevelopment.Tenants;

/// <summary>A city onboarded as a tenant.</summary>
public sealed record Tenant(string Id, string DisplayName, string TimeZone, int PolicyVersion, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The version (ETag) of the tenant's profile row as read: every change to the tenant's officers, signing keys or
    /// calendars changes it, so what was read of those with the same version still holds.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Azure.ETag Version { get; init; }
}

/// <summary>An officer who decides review steps; roles like <c>district-bureau:克拉玛依区</c> or <c>city-bureau</c>.</summary>
public sealed record Officer(string Id, string Name, string Email, IReadOnlyList<string> Roles)
{
    /// <summary>
    /// Since when (whole seconds, the service's clock) <see cref="Email"/> is the officer's mailbox: set when the address
    /// changes, so that links mailed to an earlier address (issued before it) no longer decide anything. Null for an
    /// officer whose address never changed (or stored before this was recorded).
    /// </summary>
    public DateTimeOffset? EmailSince { get; init; }
}

/// <summary>A stored policy version (the document as submitted, byte for byte).</summary>
public sealed record PolicyVersion(int Version, string Json, string Sha256, DateTimeOffset CreatedAt);

/// <summary>What is shown of an API key after creation: never the secret.</summary>
public sealed record ApiKeyInfo(string Prefix, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A tenant's holiday calendar for one year: statutory holidays and make-up working days (调休).</summary>
public sealed record HolidayCalendarYear(int Year, IReadOnlyList<DateOnly> Holidays, IReadOnlyList<DateOnly> WorkingDays, string? Source, DateTimeOffset UpdatedAt);

/// <summary>Rules for the identifiers clients choose.</summary>
public static partial class Identifiers
{
    /// <summary>A tenant id: a lower-case slug of 2–40 characters (letters, digits, hyphens; starts with a letter).</summary>
    public static bool IsValidTenantId(string? id) => id is not null && TenantIdPattern().IsMatch(id);

    /// <summary>An officer id: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
    public static bool IsValidOfficerId(string? id) => id is not null && OfficerIdPattern().IsMatch(id);

    /// <summary>What the tenant id rule says, for error messages.</summary>
    public const string TenantIdRule = "a lower-case slug: 2–40 characters, letters a–z, digits and '-', starting with a letter and not ending with '-'";

    /// <summary>What the officer id rule says, for error messages.</summary>
    public const string OfficerIdRule = "1–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex OfficerIdPattern();
}
