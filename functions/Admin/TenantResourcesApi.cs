using System.Net.Mail;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Admin;

public sealed record CreatedApiKey(string ApiKey, ApiKeyInfo Key, string Note);

public sealed record SigningKeysView(string Tenant, IReadOnlyList<SigningKeyInfo> Keys);

/// <summary>What an officer's PUT takes (the id may be left out; it must match the path when sent).</summary>
public sealed record OfficerInput(string? Id, string Name, string Email, IReadOnlyList<string> Roles);

/// <summary>An officer as stored by a PUT, and how many cases waiting on them mailed fresh links to a changed address.</summary>
/// <param name="Id">The officer id.</param>
/// <param name="Name">The name.</param>
/// <param name="Email">The e-mail address links go to.</param>
/// <param name="Roles">The roles held.</param>
/// <param name="EmailSince">Since when the address is the officer's; links issued before it are refused. Null if it never changed.</param>
/// <param name="CasesWithFreshLinks">Cases whose waiting step mailed the officer fresh links at this address in this request.</param>
public sealed record OfficerPut(string Id, string Name, string Email, IReadOnlyList<string> Roles, DateTimeOffset? EmailSince, int CasesWithFreshLinks);

/// <summary>Officers, API keys, signing keys and holiday calendars of a tenant (admin key required).</summary>
public static class TenantResourcesApi
{
    /// <summary>
    /// How long older keys keep verifying after a rotation that names no overlap: longer than a link lives under the
    /// built-in policies (the step's deadline, at most 20 working days, plus the 30-day grace), so a routine rotation
    /// breaks no link already mailed. A shorter overlap (0 for a leaked key) ends the older keys' links sooner.
    /// </summary>
    internal static readonly TimeSpan DefaultOverlap = TimeSpan.FromDays(90);
    private static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(90);

    public static RouteGroupBuilder MapTenantResourcesAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/tenants/{tenant}").WithTags("Admin: tenant resources").AddServiceFilter<AdminAuthorization>()
            .ProducesProblem(401).ProducesProblem(404);

        admin.MapPut("/officers/{officerId}", PutOfficer).WithName("PutOfficer")
            .WithSummary("Creates or replaces an officer: name, e-mail, and the roles they hold (e.g. district-bureau:克拉玛依区, city-bureau). "
                + "A changed e-mail address ends the links mailed to the earlier one and mails fresh links for the steps waiting on the officer.")
            .Accepts<OfficerInput>("application/json").ProducesProblem(400);
        admin.MapGet("/officers", ListOfficers).WithName("ListOfficers").WithSummary("Lists the tenant's officers.");

        admin.MapPost("/keys", CreateKey).WithName("CreateApiKey").WithSummary("Creates a field-app API key, shown once.").ProducesProblem(400);
        admin.MapGet("/keys", ListKeys).WithName("ListApiKeys").WithSummary("Lists the tenant's API keys (prefix only).");
        admin.MapDelete("/keys/{prefix}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revokes an API key by its prefix.");

        admin.MapGet("/signing-keys", ListSigningKeys).WithName("ListSigningKeys").WithSummary("The e-mail link signing keys (ids and dates, never secrets).");
        admin.MapPost("/signing-keys/rotations", RotateSigningKey).WithName("RotateSigningKey")
            .WithSummary("Starts signing links with a new key; older keys keep verifying for the overlap (default and at most 90 days; 0 ends their links at once).")
            .ProducesProblem(400);

        admin.MapPut("/calendars/{year:int}", PutCalendar).WithName("PutHolidayCalendar")
            .WithSummary("Loads a year's statutory holidays and make-up working days (调休) as published by the State Council.")
            .ProducesProblem(400);
        admin.MapGet("/calendars", ListCalendars).WithName("ListHolidayCalendars").WithSummary("The tenant's holiday calendars.");
        return admin;
    }

    internal static async Task<Results<Ok<OfficerPut>, ProblemHttpResult>> PutOfficer(
        string tenant, string officerId, HttpRequest request, TenantDirectory directory, ReviewService review, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadObjectAsync(request);
        if (fields is null)
        {
            return problem!;
        }

        fields.OnlyKnown("id", "name", "email", "roles");
        if (!Identifiers.IsValidOfficerId(officerId))
        {
            fields.Errors.Add(new FieldError("officerId", "must be " + Identifiers.OfficerIdRule));
        }

        var bodyId = fields.String("id", required: false, maxLength: 64);
        if (bodyId is not null && bodyId != officerId)
        {
            fields.Errors.Add(new FieldError("$.id", "must match the officer id in the path"));
        }

        var name = fields.String("name", required: true, maxLength: 100);
        var email = fields.String("email", required: true, maxLength: 254, IsEmail, "an e-mail address");
        var roles = fields.Strings("roles", required: true, maxItems: 20, maxLength: 100,
            r => !r.Any(char.IsControl) && !r.Contains(' ', StringComparison.Ordinal), "a role name without spaces, e.g. city-bureau or district-bureau:克拉玛依区");
        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        return await Guard(tenant, async () =>
        {
            var stored = await directory.UpsertOfficerAsync(tenant, new Officer(officerId, name!, email!, roles!.Distinct().ToList()), ct);

            // Inline rather than through a queue: the directory has no outbox to commit a message with the officer row,
            // so a queued pass could be lost with the process; here the PUT answers only once every waiting case has
            // mailed the new address (one transition per case in review, which the tenants' sizes allow). The pass
            // runs on every PUT of an officer whose address ever changed and each case mails once per change, so a
            // retried PUT completes a pass cut short and mails nothing twice.
            var fresh = await review.ReissueLinksAsync(tenant, stored, ct);
            return new OfficerPut(stored.Id, stored.Name, stored.Email, stored.Roles, stored.EmailSince, fresh);
        });
    }

    internal static Task<Results<Ok<IReadOnlyList<Officer>>, ProblemHttpResult>> ListOfficers(string tenant, TenantDirectory directory, CancellationToken ct) =>
        Guard(tenant, () => directory.ListOfficersAsync(tenant, ct));

    internal static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateKey(string tenant, HttpRequest request, TenantDirectory directory, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadOptionalObjectAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        fields?.OnlyKnown("label");
        var label = fields?.String("label", required: false, maxLength: 100);
        if (fields is { Errors.Count: > 0 })
        {
            return RequestProblems.Validation(fields.Errors);
        }

        try
        {
            var (key, info) = await directory.CreateApiKeyAsync(tenant, label, ct);
            return TypedResults.Created($"/api/admin/tenants/{tenant}/keys/{info.Prefix}", new CreatedApiKey(key, info, "The API key is shown only now; it is stored as a hash."));
        }
        catch (DirectoryException e) when (e.Failure == DirectoryFailure.TenantNotFound)
        {
            return TenantsApi.TenantNotFound(tenant);
        }
    }

    internal static Task<Results<Ok<IReadOnlyList<ApiKeyInfo>>, ProblemHttpResult>> ListKeys(string tenant, TenantDirectory directory, CancellationToken ct) =>
        Guard(tenant, () => directory.ListApiKeysAsync(tenant, ct));

    internal static Task<Results<Ok<ApiKeyInfo>, ProblemHttpResult>> RevokeKey(string tenant, string prefix, TenantDirectory directory, CancellationToken ct) =>
        Guard(tenant, () => directory.RevokeApiKeyAsync(tenant, prefix, ct));

    internal static Task<Results<Ok<SigningKeysView>, ProblemHttpResult>> ListSigningKeys(string tenant, TenantDirectory directory, TimeProvider time, CancellationToken ct) =>
        Guard(tenant, async () => new SigningKeysView(tenant, (await directory.GetSigningKeysAsync(tenant, ct)).Describe(time.GetUtcNow())));

    internal static async Task<Results<Ok<SigningKeysView>, ProblemHttpResult>> RotateSigningKey(string tenant, HttpRequest request, TenantDirectory directory, TimeProvider time, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadOptionalObjectAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        fields?.OnlyKnown("overlapHours");
        var overlap = fields?.Number("overlapHours", required: false, 0, MaxOverlap.TotalHours) is { } hours ? TimeSpan.FromHours(hours) : DefaultOverlap;
        if (fields is { Errors.Count: > 0 })
        {
            return RequestProblems.Validation(fields.Errors);
        }

        return await Guard(tenant, async () => new SigningKeysView(tenant, (await directory.RotateSigningKeyAsync(tenant, overlap, ct)).Describe(time.GetUtcNow())));
    }

    internal static async Task<Results<Ok<HolidayCalendarYear>, ProblemHttpResult>> PutCalendar(string tenant, int year, HttpRequest request, TenantDirectory directory, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadObjectAsync(request);
        if (fields is null)
        {
            return problem!;
        }

        fields.OnlyKnown("year", "holidays", "workingDays", "source");
        if (year is < 2000 or > 2100)
        {
            fields.Errors.Add(new FieldError("year", "must be from 2000 to 2100"));
        }

        var holidays = fields.Dates("holidays", required: true, maxItems: 60) ?? [];
        var workingDays = fields.Dates("workingDays", required: true, maxItems: 30) ?? [];
        var source = fields.String("source", required: false, maxLength: 300);
        for (var i = 0; i < holidays.Count; i++)
        {
            if (holidays[i].Year != year)
            {
                fields.Errors.Add(new FieldError($"$.holidays[{i}]", $"must be a date in {year}"));
            }
        }

        for (var i = 0; i < workingDays.Count; i++)
        {
            if (workingDays[i].Year != year)
            {
                fields.Errors.Add(new FieldError($"$.workingDays[{i}]", $"must be a date in {year}"));
            }
            else if (workingDays[i].DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                fields.Errors.Add(new FieldError($"$.workingDays[{i}]", "must be a Saturday or Sunday: a make-up working day (调休) moves work onto a weekend day"));
            }
            else if (holidays.Contains(workingDays[i]))
            {
                fields.Errors.Add(new FieldError($"$.workingDays[{i}]", "must not also be a holiday"));
            }
        }

        if (fields.Errors.Count > 0)
        {
            return RequestProblems.Validation(fields.Errors);
        }

        return await Guard(tenant, () => directory.PutCalendarAsync(tenant,
            new HolidayCalendarYear(year, holidays.Distinct().Order().ToList(), workingDays.Distinct().Order().ToList(), source, default), ct));
    }

    internal static Task<Results<Ok<IReadOnlyList<HolidayCalendarYear>>, ProblemHttpResult>> ListCalendars(string tenant, TenantDirectory directory, CancellationToken ct) =>
        Guard(tenant, () => directory.ListCalendarsAsync(tenant, ct));

    private static async Task<Results<Ok<T>, ProblemHttpResult>> Guard<T>(string tenant, Func<Task<T>> action)
    {
        try
        {
            return TypedResults.Ok(await action());
        }
        catch (DirectoryException e) when (e.Failure == DirectoryFailure.TenantNotFound)
        {
            return TenantsApi.TenantNotFound(tenant);
        }
        catch (DirectoryException e) when (e.Failure == DirectoryFailure.KeyNotFound)
        {
            return RequestProblems.NotFound("No such API key.", e.Message);
        }
    }

    private static bool IsEmail(string s) => MailAddress.TryCreate(s, out var a) && a.Address == s && s.Contains('.', StringComparison.Ordinal);
}
