using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Tenants;

/// <summary>Why a directory operation did not happen (mapped to 404/409 at the edge).</summary>
public enum DirectoryFailure
{
    TenantNotFound,
    TenantExists,
    VersionNotFound,
    KeyNotFound,
    Conflict,
}

/// <summary>A directory operation refused for a reason the caller can act on.</summary>
public sealed class DirectoryException(DirectoryFailure failure, string message) : Exception(message)
{
    public DirectoryFailure Failure { get; } = failure;
}

/// <summary>
/// The tenant directory on Table storage. Everything about a tenant lives in one partition (the tenant
/// id): its profile, every policy version, officers, API keys, signing keys and holiday calendars. One
/// partition per tenant keeps tenants apart by construction and lets onboarding (profile + first
/// policy + first key + first signing key) and a policy change (new version + profile pointer) commit
/// as single entity-group transactions.
/// </summary>
public sealed class TenantDirectory(TableClient table, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, int Version), PolicyVersion> _versions = new();

    // Officers, signing keys and calendars as last read, with the version (ETag) of the tenant's profile row they go with.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string Kind), (ETag Profile, object Value)> _listed = new();

    private const string ProfileRow = "profile";
    private const string PolicyRowPrefix = "policy-";
    private const string OfficerRowPrefix = "officer-";
    private const string KeyRowPrefix = "key-";
    private const string SigningRowPrefix = "signing-";
    private const string CalendarRowPrefix = "calendar-";

    public TableClient Table => table;

    public Task EnsureCreatedAsync(CancellationToken ct = default) => table.CreateIfNotExistsAsync(ct);

    /// <summary>Onboards a tenant with its first policy version, first API key and first signing key, atomically.</summary>
    /// <returns>The new tenant and its first API key (the only time the key is seen).</returns>
    public async Task<(Tenant Tenant, string ApiKey)> CreateAsync(string id, string displayName, string timeZone, string policyJson, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var (key, prefix) = ApiKeys.Generate();
        var profile = new TableEntity(id, ProfileRow)
        {
            ["DisplayName"] = displayName,
            ["TimeZone"] = timeZone,
            ["PolicyVersion"] = 1,
            ["CreatedAt"] = now,
        };
        try
        {
            await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, profile),
                new TableTransactionAction(TableTransactionActionType.Add, PolicyEntity(id, 1, policyJson, now)),
                new TableTransactionAction(TableTransactionActionType.Add, KeyEntity(id, prefix, key, "first key", now)),
                new TableTransactionAction(TableTransactionActionType.Add, SigningEntity(id, NewSigningKey(now))),
            ], ct).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw new DirectoryException(DirectoryFailure.TenantExists, $"Tenant '{id}' already exists.");
        }

        return (new Tenant(id, displayName, timeZone, 1, now), key);
    }

    public async Task<Tenant?> GetAsync(string id, CancellationToken ct = default)
    {
        var row = await table.GetEntityIfExistsAsync(id, ProfileRow, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue ? ToTenant(row.Value!) : null;
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct = default)
    {
        var tenants = new List<Tenant>();
        await foreach (var row in table.QueryAsync(TableClient.CreateQueryFilter($"RowKey eq {ProfileRow}"), cancellationToken: ct).ConfigureAwait(false))
        {
            tenants.Add(ToTenant(row));
        }

        return tenants.OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The policy version <paramref name="version"/>, or the current one.</summary>
    public async Task<PolicyVersion> GetPolicyAsync(string tenantId, int? version = null, CancellationToken ct = default)
    {
        // A stored version never changes (a new policy is a new version, and tenants are never deleted), so one read
        // of it serves every later case command and timer of this process.
        if (version is { } asked && _versions.TryGetValue((tenantId, asked), out var kept))
        {
            return kept;
        }

        var tenant = await RequireAsync(tenantId, ct).ConfigureAwait(false);
        var wanted = version ?? tenant.PolicyVersion;
        var row = await table.GetEntityIfExistsAsync(tenantId, PolicyRow(wanted), cancellationToken: ct).ConfigureAwait(false);
        if (!row.HasValue)
        {
            throw new DirectoryException(DirectoryFailure.VersionNotFound, $"Tenant '{tenantId}' has no policy version {wanted}.");
        }

        var entity = row.Value!;
        var json = LargeText.Get(entity, "Json") ?? "";
        var policy = new PolicyVersion(wanted, json, entity.GetString("Sha256") ?? "", entity.GetDateTimeOffset("CreatedAt") ?? default);
        _versions.TryAdd((tenantId, wanted), policy);
        return policy;
    }

    /// <summary>Adds a policy version and makes it current; a policy identical to the current one adds nothing.</summary>
    public async Task<PolicyVersion> AddPolicyVersionAsync(string tenantId, string policyJson, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var profile = (await table.GetEntityIfExistsAsync(tenantId, ProfileRow, cancellationToken: ct).ConfigureAwait(false));
            if (!profile.HasValue)
            {
                throw new DirectoryException(DirectoryFailure.TenantNotFound, $"Tenant '{tenantId}' does not exist.");
            }

            var current = await GetPolicyAsync(tenantId, null, ct).ConfigureAwait(false);
            if (current.Sha256 == Sha256(policyJson))
            {
                return current;
            }

            var now = time.GetUtcNow();
            var next = current.Version + 1;
            var updated = new TableEntity(tenantId, ProfileRow) { ["PolicyVersion"] = next };
            try
            {
                // The If-Match on the profile makes two concurrent changes race for the same version number: one wins.
                await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateMerge, updated, profile.Value!.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add, PolicyEntity(tenantId, next, policyJson, now)),
                ], ct).ConfigureAwait(false);
                return new PolicyVersion(next, policyJson, Sha256(policyJson), now);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
                // Someone else added a version first; read again and add ours after it.
            }
        }
    }

    /// <summary>
    /// Creates or replaces an officer. When the e-mail address changes (compared case-insensitively) the officer's
    /// <see cref="Officer.EmailSince"/> becomes now, to the whole second a link's issue time is kept in; otherwise the
    /// stored one stays, whatever <paramref name="officer"/> carries.
    /// </summary>
    /// <returns>The officer as stored.</returns>
    public async Task<Officer> UpsertOfficerAsync(string tenantId, Officer officer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(officer);
        await RequireAsync(tenantId, ct).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync(tenantId, OfficerRowPrefix + officer.Id, cancellationToken: ct).ConfigureAwait(false);
            var before = existing.HasValue ? existing.Value! : null;
            var since = before?.GetDateTimeOffset("EmailSince");
            if (before is not null && !string.Equals(before.GetString("Email"), officer.Email, StringComparison.OrdinalIgnoreCase))
            {
                var now = time.GetUtcNow();
                since = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            }

            var stored = officer with { EmailSince = since };
            var row = new TableEntity(tenantId, OfficerRowPrefix + officer.Id)
            {
                ["Name"] = stored.Name,
                ["Email"] = stored.Email,
                ["Roles"] = JsonSerializer.Serialize(stored.Roles),
                ["EmailSince"] = stored.EmailSince,
            };
            try
            {
                // Guarded by the row as read: of two concurrent changes of the address, the later one reads the
                // earlier one's address and so records a change of its own.
                await table.SubmitTransactionAsync(
                [
                    before is null
                        ? new TableTransactionAction(TableTransactionActionType.Add, row)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, before.ETag),
                    Touch(tenantId),
                ], ct).ConfigureAwait(false);
                return stored;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
            }
        }
    }

    public Task<IReadOnlyList<Officer>> ListOfficersAsync(string tenantId, CancellationToken ct = default) =>
        ListOfficersAsync(tenantId, default, ct);

    /// <summary>The officers as of <paramref name="tenant"/>'s version (the tenant as just read: no second read of its profile).</summary>
    public Task<IReadOnlyList<Officer>> ListOfficersAsync(Tenant tenant, CancellationToken ct = default) =>
        ListOfficersAsync(tenant?.Id ?? throw new ArgumentNullException(nameof(tenant)), tenant.Version, ct);

    private Task<IReadOnlyList<Officer>> ListOfficersAsync(string tenantId, ETag asOf, CancellationToken ct) =>
        ListedAsync<IReadOnlyList<Officer>>(tenantId, asOf, OfficerRowPrefix, async () =>
        {
            var officers = new List<Officer>();
            await foreach (var row in RowsAsync(tenantId, OfficerRowPrefix, ct).ConfigureAwait(false))
            {
                officers.Add(new Officer(row.RowKey![OfficerRowPrefix.Length..], row.GetString("Name") ?? "", row.GetString("Email") ?? "",
                    JsonSerializer.Deserialize<List<string>>(row.GetString("Roles") ?? "[]") ?? [])
                {
                    EmailSince = row.GetDateTimeOffset("EmailSince"),
                });
            }

            return officers.AsReadOnly();
        }, ct);

    /// <summary>Creates an API key; the returned key is the only time it is seen.</summary>
    public async Task<(string Key, ApiKeyInfo Info)> CreateApiKeyAsync(string tenantId, string? label, CancellationToken ct = default)
    {
        await RequireAsync(tenantId, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var (key, prefix) = ApiKeys.Generate();
        await table.AddEntityAsync(KeyEntity(tenantId, prefix, key, label, now), ct).ConfigureAwait(false);
        return (key, new ApiKeyInfo(prefix, label, now, null));
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(string tenantId, CancellationToken ct = default)
    {
        await RequireAsync(tenantId, ct).ConfigureAwait(false);
        var keys = new List<ApiKeyInfo>();
        await foreach (var row in RowsAsync(tenantId, KeyRowPrefix, ct).ConfigureAwait(false))
        {
            keys.Add(new ApiKeyInfo(row.RowKey![KeyRowPrefix.Length..], row.GetString("Label"), row.GetDateTimeOffset("CreatedAt") ?? default, row.GetDateTimeOffset("RevokedAt")));
        }

        return keys;
    }

    /// <summary>Revokes a key by its prefix; revoking a revoked key changes nothing.</summary>
    public async Task<ApiKeyInfo> RevokeApiKeyAsync(string tenantId, string prefix, CancellationToken ct = default)
    {
        await RequireAsync(tenantId, ct).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync(tenantId, KeyRowPrefix + prefix, cancellationToken: ct).ConfigureAwait(false);
        if (!row.HasValue)
        {
            throw new DirectoryException(DirectoryFailure.KeyNotFound, $"Tenant '{tenantId}' has no API key '{prefix}'.");
        }

        var entity = row.Value!;
        var revokedAt = entity.GetDateTimeOffset("RevokedAt");
        if (revokedAt is null)
        {
            revokedAt = time.GetUtcNow();
            await table.UpsertEntityAsync(new TableEntity(tenantId, entity.RowKey!) { ["RevokedAt"] = revokedAt.Value }, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        }

        return new ApiKeyInfo(prefix, entity.GetString("Label"), entity.GetDateTimeOffset("CreatedAt") ?? default, revokedAt);
    }

    /// <summary>Whether <paramref name="key"/> is a live API key of <paramref name="tenantId"/>. Unknown tenants and keys are simply false.</summary>
    public async Task<bool> VerifyApiKeyAsync(string tenantId, string? key, CancellationToken ct = default)
    {
        var prefix = ApiKeys.PrefixOf(key);
        if (prefix is null || !Identifiers.IsValidTenantId(tenantId))
        {
            return false;
        }

        var row = await table.GetEntityIfExistsAsync(tenantId, KeyRowPrefix + prefix, cancellationToken: ct).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetDateTimeOffset("RevokedAt") is null && ApiKeys.Matches(key!, row.Value.GetString("Hash") ?? "");
    }

    public Task<SigningKeyRing> GetSigningKeysAsync(string tenantId, CancellationToken ct = default) =>
        GetSigningKeysAsync(tenantId, default, ct);

    /// <summary>The signing keys as of <paramref name="tenant"/>'s version (the tenant as just read: no second read of its profile).</summary>
    public Task<SigningKeyRing> GetSigningKeysAsync(Tenant tenant, CancellationToken ct = default) =>
        GetSigningKeysAsync(tenant?.Id ?? throw new ArgumentNullException(nameof(tenant)), tenant.Version, ct);

    private Task<SigningKeyRing> GetSigningKeysAsync(string tenantId, ETag asOf, CancellationToken ct) =>
        ListedAsync(tenantId, asOf, SigningRowPrefix, async () =>
        {
            var keys = new List<SigningKey>();
            await foreach (var row in RowsAsync(tenantId, SigningRowPrefix, ct).ConfigureAwait(false))
            {
                keys.Add(new SigningKey(row.RowKey![SigningRowPrefix.Length..], row.GetBinary("Secret") ?? [], row.GetDateTimeOffset("CreatedAt") ?? default, row.GetDateTimeOffset("RetiresAt")));
            }

            return new SigningKeyRing(keys);
        }, ct);

    /// <summary>
    /// Starts signing with a new key; keys in use so far keep verifying for <paramref name="overlap"/>
    /// (links already mailed stay good), then retire.
    /// </summary>
    public async Task<SigningKeyRing> RotateSigningKeyAsync(string tenantId, TimeSpan overlap, CancellationToken ct = default)
    {
        var ring = await GetSigningKeysAsync(tenantId, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, SigningEntity(tenantId, NewSigningKey(now))) };
        foreach (var key in ring.Keys.Where(k => k.IsValidAt(now) && (k.RetiresAt is null || k.RetiresAt > now + overlap)))
        {
            actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(tenantId, SigningRowPrefix + key.Id) { ["RetiresAt"] = now + overlap }));
        }

        actions.Add(Touch(tenantId));
        await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
        return await GetSigningKeysAsync(tenantId, ct).ConfigureAwait(false);
    }

    public async Task<HolidayCalendarYear> PutCalendarAsync(string tenantId, HolidayCalendarYear calendar, CancellationToken ct = default)
    {
        await RequireAsync(tenantId, ct).ConfigureAwait(false);
        var stored = calendar with { UpdatedAt = time.GetUtcNow() };
        await table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(tenantId, CalendarRowPrefix + calendar.Year.ToString(CultureInfo.InvariantCulture))
            {
                ["Holidays"] = JsonSerializer.Serialize(stored.Holidays),
                ["WorkingDays"] = JsonSerializer.Serialize(stored.WorkingDays),
                ["Source"] = stored.Source,
                ["UpdatedAt"] = stored.UpdatedAt,
            }),
            Touch(tenantId),
        ], ct).ConfigureAwait(false);
        return stored;
    }

    public Task<IReadOnlyList<HolidayCalendarYear>> ListCalendarsAsync(string tenantId, CancellationToken ct = default) =>
        ListCalendarsAsync(tenantId, default, ct);

    private Task<IReadOnlyList<HolidayCalendarYear>> ListCalendarsAsync(string tenantId, ETag asOf, CancellationToken ct) =>
        ListedAsync<IReadOnlyList<HolidayCalendarYear>>(tenantId, asOf, CalendarRowPrefix, async () =>
        {
            var years = new List<HolidayCalendarYear>();
            await foreach (var row in RowsAsync(tenantId, CalendarRowPrefix, ct).ConfigureAwait(false))
            {
                years.Add(new HolidayCalendarYear(
                    int.Parse(row.RowKey![CalendarRowPrefix.Length..], CultureInfo.InvariantCulture),
                    JsonSerializer.Deserialize<List<DateOnly>>(row.GetString("Holidays") ?? "[]") ?? [],
                    JsonSerializer.Deserialize<List<DateOnly>>(row.GetString("WorkingDays") ?? "[]") ?? [],
                    row.GetString("Source"),
                    row.GetDateTimeOffset("UpdatedAt") ?? default));
            }

            return years.AsReadOnly();
        }, ct);

    /// <summary>The tenant's holiday calendar over every year loaded; weekends only where nothing is loaded.</summary>
    public Task<LandRedevelopment.Calendars.HolidayCalendar> GetHolidayCalendarAsync(string tenantId, CancellationToken ct = default) =>
        GetHolidayCalendarAsync(tenantId, default, ct);

    /// <summary>The holiday calendar as of <paramref name="tenant"/>'s version (the tenant as just read: no second read of its profile).</summary>
    public Task<LandRedevelopment.Calendars.HolidayCalendar> GetHolidayCalendarAsync(Tenant tenant, CancellationToken ct = default) =>
        GetHolidayCalendarAsync(tenant?.Id ?? throw new ArgumentNullException(nameof(tenant)), tenant.Version, ct);

    private Task<LandRedevelopment.Calendars.HolidayCalendar> GetHolidayCalendarAsync(string tenantId, ETag asOf, CancellationToken ct) =>
        ListedAsync(tenantId, asOf, "holiday-calendar", async () =>
        {
            var years = await ListCalendarsAsync(tenantId, asOf, ct).ConfigureAwait(false);
            return years.Count == 0
                ? LandRedevelopment.Calendars.HolidayCalendar.WeekendsOnly
                : new LandRedevelopment.Calendars.HolidayCalendar(years.SelectMany(y => y.Holidays), years.SelectMany(y => y.WorkingDays));
        }, ct);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Rows of one kind (officers, signing keys, calendars), read once per version of the tenant's profile row: every
    /// change to them touches the profile row in the same transaction, so one point read of it tells whether what was
    /// read before still holds — on this instance or any other.
    /// </summary>
    /// <remarks><c>asOf</c> is the profile's version as the caller just read it; default reads it here.</remarks>
    private async Task<T> ListedAsync<T>(string tenantId, ETag asOf, string kind, Func<Task<T>> load, CancellationToken ct)
        where T : class
    {
        var version = asOf;
        if (version == default)
        {
            var profile = await table.GetEntityIfExistsAsync(tenantId, ProfileRow, cancellationToken: ct).ConfigureAwait(false);
            if (!profile.HasValue)
            {
                throw new DirectoryException(DirectoryFailure.TenantNotFound, $"Tenant '{tenantId}' does not exist.");
            }

            version = profile.Value!.ETag;
        }

        if (_listed.TryGetValue((tenantId, kind), out var kept) && kept.Profile == version)
        {
            return (T)kept.Value;
        }

        // Read after the profile: should a change land in between, this is newer than the version it is kept with,
        // and the next call reads again.
        var value = await load().ConfigureAwait(false);
        _listed[(tenantId, kind)] = (version, value);
        return value;
    }

    /// <summary>Marks a change to the tenant's officers, signing keys or calendars on its profile row (in the change's own transaction).</summary>
    private TableTransactionAction Touch(string tenantId) =>
        new(TableTransactionActionType.UpdateMerge, new TableEntity(tenantId, ProfileRow) { ["ChangedAt"] = time.GetUtcNow() });

    private async Task<Tenant> RequireAsync(string tenantId, CancellationToken ct) =>
        await GetAsync(tenantId, ct).ConfigureAwait(false) ?? throw new DirectoryException(DirectoryFailure.TenantNotFound, $"Tenant '{tenantId}' does not exist.");

    private IAsyncEnumerable<TableEntity> RowsAsync(string tenantId, string rowPrefix, CancellationToken ct)
    {
        // Row keys of one kind share a prefix; the range ends just after it, whatever characters follow.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {rowPrefix} and RowKey lt {LandRedevelopment.Cases.CaseStore.PrefixEnd(rowPrefix)}");
        return table.QueryAsync(filter, cancellationToken: ct);
    }

    private static Tenant ToTenant(TableEntity row) => new(
        row.PartitionKey!, row.GetString("DisplayName") ?? "", row.GetString("TimeZone") ?? "Asia/Shanghai",
        row.GetInt32("PolicyVersion") ?? 1, row.GetDateTimeOffset("CreatedAt") ?? default)
    {
        Version = row.ETag,
    };

    private static string PolicyRow(int version) => PolicyRowPrefix + version.ToString("D6", CultureInfo.InvariantCulture);

    private static TableEntity PolicyEntity(string tenantId, int version, string json, DateTimeOffset now)
    {
        var entity = new TableEntity(tenantId, PolicyRow(version))
        {
            ["Version"] = version,
            ["Sha256"] = Sha256(json),
            ["CreatedAt"] = now,
        };
        LargeText.Set(entity, "Json", json);
        return entity;
    }

    private static TableEntity KeyEntity(string tenantId, string prefix, string key, string? label, DateTimeOffset now) =>
        new(tenantId, KeyRowPrefix + prefix)
        {
            ["Hash"] = ApiKeys.Hash(key),
            ["Label"] = label,
            ["CreatedAt"] = now,
        };

    private static SigningKey NewSigningKey(DateTimeOffset now) =>
        new(now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            RandomNumberGenerator.GetBytes(32), now, null);

    private static TableEntity SigningEntity(string tenantId, SigningKey key) =>
        new(tenantId, SigningRowPrefix + key.Id)
        {
            ["Secret"] = key.Secret,
            ["CreatedAt"] = key.CreatedAt,
        };
}
