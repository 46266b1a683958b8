using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Tenants;

/// <summary>
/// Every field-app route lives under <c>/api/t/{tenant}/…</c> and needs an <c>X-Api-Key</c> of that tenant.
/// A missing, malformed, revoked or other tenant's key, and an unknown tenant, all get the same 401, so
/// the answer reveals nothing about which tenants or keys exist.
/// </summary>
public sealed class TenantApiKeyFilter(TenantDirectory directory) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var tenant = http.GetRouteValue("tenant") as string ?? "";
        var key = http.Request.Headers[Header].ToString();
        if (!await directory.VerifyApiKeyAsync(tenant, key, http.RequestAborted))
        {
            http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            return RequestProblems.Unauthorized("A valid API key for this tenant is required.",
                "Send the tenant's field-app key in the X-Api-Key header.");
        }

        return await next(context);
    }
}
