using System.Text.Json;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Policies;
using LandRedevelopment.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Admin;

public sealed record CreatedTenant(Tenant Tenant, string ApiKey, string ApiKeyPrefix, string Note);

public sealed record PolicyVersionView(string Tenant, int Version, DateTimeOffset CreatedAt, string Sha256, JsonElement Policy)
{
    /// <summary>How the policy's source documents stand today in the tenant's zone (ending within 90 days, expired), or null when not known.</summary>
    public PolicyValidityView? Validity { get; init; }
}

/// <summary>The validity of a policy's source documents on a day.</summary>
/// <param name="AsOf">The day (the tenant's legal date).</param>
/// <param name="Sources">Each source document, in the policy's order.</param>
public sealed record PolicyValidityView(DateOnly AsOf, IReadOnlyList<SourceValidity> Sources)
{
    /// <summary>The view of <paramref name="policyJson"/> today for <paramref name="tenant"/>.</summary>
    public static PolicyValidityView Of(Tenant tenant, string policyJson, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(time);
        var policy = JsonSerializer.Deserialize<PolicyDocument>(policyJson, PolicyJson.Options)!;
        var today = LandRedevelopment.Calendars.LegalPeriods.LocalDate(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone));
        return new PolicyValidityView(today, PolicyValidity.Of(policy, today));
    }
}

/// <summary>
/// The admin API for onboarding cities: tenants, their versioned policies, officers, field-app API keys,
/// e-mail link signing keys and holiday calendars. Everything needs the admin key.
/// </summary>
public static class TenantsApi
{
    public static RouteGroupBuilder MapTenantsAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/tenants").WithTags("Admin: tenants").AddServiceFilter<AdminAuthorization>()
            .ProducesProblem(401);

        admin.MapPost("/", CreateTenant).WithName("CreateTenant").WithSummary("Onboards a city with its policy; answers its first field-app API key, shown once.")
            .WithDescription("A request or policy document of the wrong shape is 400; a policy document of the right shape that breaks a rule the schema cannot say "
                + "(see the policy reference's checks, e.g. instalments.consentOf with allowed: false) is 422 problem+json whose errors name each JSON path under $.policy.")
            .Accepts<JsonElement>("application/json").ProducesProblem(400).ProducesProblem(409).ProducesProblem(415).ProducesProblem(422);
        admin.MapGet("/", ListTenants).WithName("ListTenants").WithSummary("Lists the tenants.");
        admin.MapGet("/{tenant}", GetTenant).WithName("GetTenant").WithSummary("One tenant.").ProducesProblem(404);
        admin.MapGet("/{tenant}/policy", GetPolicy).WithName("GetPolicy").WithSummary("The tenant's current policy document.").ProducesProblem(404);
        admin.MapPut("/{tenant}/policy", PutPolicy).WithName("PutPolicy")
            .WithSummary("Adds a policy version and makes it current. Cases keep the version they started under.")
            .WithDescription("A document of the wrong shape is 400; one of the right shape that breaks a rule the schema cannot say (see the policy reference's "
                + "checks, e.g. instalments.consentOf or onlyFor where no contract can pay in instalments) is 422 problem+json whose errors name each JSON path. "
                + "Either way nothing is stored.")
            .Accepts<JsonElement>("application/json").ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);
        admin.MapGet("/{tenant}/policy/versions/{version:int}", GetPolicyVersion).WithName("GetPolicyVersion").WithSummary("One policy version.").ProducesProblem(404);
        return admin;
    }

    internal static async Task<Results<Created<CreatedTenant>, ProblemHttpResult>> CreateTenant(HttpRequest request, TenantDirectory directory, CancellationToken ct)
    {
        var (fields, problem) = await RequestProblems.ReadObjectAsync(request, 2 * 1024 * 1024);
        if (fields is null)
        {
            return problem!;
        }

        fields.OnlyKnown("id", "displayName", "timeZone", "policy");
        var id = fields.String("id", required: true, maxLength: 40, Identifiers.IsValidTenantId, Identifiers.TenantIdRule);
        var displayName = fields.String("displayName", required: true, maxLength: 100);
        var timeZone = fields.String("timeZone", required: true, maxLength: 64, IsKnownTimeZone, "an IANA time zone id such as Asia/Shanghai");
        var policy = fields.Object("policy", required: true);
        var errors = fields.Errors;
        string? policyJson = null;
        var rulesOnly = false;
        if (policy is { } p)
        {
            var validation = PolicyValidator.Validate(p);
            rulesOnly = errors.Count == 0 && validation.IsWellFormed;
            errors.AddRange(validation.Errors.Select(e => new FieldError("$.policy" + e.Path.TrimStart('$'), e.Message)));
            policyJson = p.GetRawText();
        }

        if (errors.Count > 0)
        {
            // Only a policy of the right shape whose members break a rule the schema cannot say, and nothing else wrong, is 422.
            return rulesOnly ? PolicyRulesBroken(errors)
                : RequestProblems.Validation(errors);
        }

        try
        {
            var (tenant, key) = await directory.CreateAsync(id!, displayName!, timeZone!, policyJson!, ct);
            return TypedResults.Created($"/api/admin/tenants/{tenant.Id}",
                new CreatedTenant(tenant, key, ApiKeys.PrefixOf(key)!, "The API key is shown only now; it is stored as a hash."));
        }
        catch (DirectoryException e) when (e.Failure == DirectoryFailure.TenantExists)
        {
            return RequestProblems.Conflict("The tenant already exists.", e.Message);
        }
    }

    internal static async Task<Ok<IReadOnlyList<Tenant>>> ListTenants(TenantDirectory directory, CancellationToken ct) =>
        TypedResults.Ok(await directory.ListAsync(ct));

    internal static async Task<Results<Ok<Tenant>, ProblemHttpResult>> GetTenant(string tenant, TenantDirectory directory, CancellationToken ct) =>
        await directory.GetAsync(tenant, ct) is { } t ? TypedResults.Ok(t) : TenantNotFound(tenant);

    internal static Task<Results<Ok<PolicyVersionView>, ProblemHttpResult>> GetPolicy(string tenant, TenantDirectory directory, TimeProvider time, CancellationToken ct) =>
        PolicyView(tenant, null, directory, time, ct);

    internal static Task<Results<Ok<PolicyVersionView>, ProblemHttpResult>> GetPolicyVersion(string tenant, int version, TenantDirectory directory, TimeProvider time, CancellationToken ct) =>
        PolicyView(tenant, version, directory, time, ct);

    internal static async Task<Results<Ok<PolicyVersionView>, ProblemHttpResult>> PolicyView(string tenant, int? version, TenantDirectory directory, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var policy = await directory.GetPolicyAsync(tenant, version, ct);
            var profile = await directory.GetAsync(tenant, ct);
            using var doc = JsonDocument.Parse(policy.Json);
            return TypedResults.Ok(new PolicyVersionView(tenant, policy.Version, policy.CreatedAt, policy.Sha256, doc.RootElement.Clone())
            {
                Validity = profile is null ? null : PolicyValidityView.Of(profile, policy.Json, time),
            });
        }
        catch (DirectoryException e)
        {
            return RequestProblems.NotFound(e.Failure == DirectoryFailure.TenantNotFound ? "No such tenant." : "No such policy version.", e.Message);
        }
    }

    internal static async Task<Results<Created<PolicyVersionView>, Ok<PolicyVersionView>, ProblemHttpResult>> PutPolicy(
        string tenant, HttpRequest request, TenantDirectory directory, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await RequestProblems.ReadJsonAsync(request, 2 * 1024 * 1024);
        if (problem is not null)
        {
            return problem;
        }

        var validation = PolicyValidator.Validate(body);
        if (!validation.IsValid)
        {
            var errors = validation.Errors.Select(e => new FieldError(e.Path, e.Message));
            return validation.IsWellFormed ? PolicyRulesBroken(errors) : RequestProblems.Validation(errors, "The policy document is not valid.");
        }

        try
        {
            var profile = await directory.GetAsync(tenant, ct);
            var stored = await directory.AddPolicyVersionAsync(tenant, body.GetRawText(), ct);
            var view = new PolicyVersionView(tenant, stored.Version, stored.CreatedAt, stored.Sha256, body)
            {
                Validity = profile is null ? null : PolicyValidityView.Of(profile, stored.Json, time),
            };
            var before = profile?.PolicyVersion;
            return stored.Version == before
                ? TypedResults.Ok(view)
                : TypedResults.Created($"/api/admin/tenants/{tenant}/policy/versions/{stored.Version}", view);
        }
        catch (DirectoryException e) when (e.Failure == DirectoryFailure.TenantNotFound)
        {
            return TenantNotFound(tenant);
        }
    }

    // A policy document of the right shape whose members break the rules PolicyValidator checks beyond the schema.
    private static ProblemHttpResult PolicyRulesBroken(IEnumerable<FieldError> errors) =>
        RequestProblems.Unprocessable("policy-rules", errors, "The policy document breaks the rules a policy must meet; nothing was changed.");

    internal static ProblemHttpResult TenantNotFound(string tenant) =>
        RequestProblems.NotFound("No such tenant.", $"Tenant '{tenant}' does not exist.");

    internal static bool IsKnownTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
