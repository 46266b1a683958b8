using System.Security.Cryptography;
using System.Text;
using LandRedevelopment.Functions.Problems;

namespace LandRedevelopment.Functions.Admin;

/// <summary>
/// Admin calls carry <c>Authorization: Bearer &lt;admin key&gt;</c>. The key comes from configuration
/// (<c>Admin:Key</c>; the <c>Admin__Key</c> environment variable overrides it). Without a configured key
/// the admin API refuses everything.
/// </summary>
public sealed class AdminAuthorization(IConfiguration configuration) : IEndpointFilter
{
    public const string KeySetting = "Admin:Key";

    /// <summary>Shortest admin key accepted from configuration: anything shorter is refused as if unset.</summary>
    public const int MinimumKeyLength = 24;

    // In Azure the key is a Key Vault reference. One the platform could not resolve (the identity's grant not yet in
    // effect, the secret missing) reaches the app as its own text, which is long enough and printed in the template:
    // refused as if unset, so that it can never serve as the key.
    private const string UnresolvedKeyVaultReference = "@Microsoft.KeyVault(";

    /// <summary>Whether <paramref name="configured"/> can serve as the admin key.</summary>
    public static bool IsUsable([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? configured) =>
        configured is not null && configured.Length >= MinimumKeyLength && !configured.TrimStart().StartsWith(UnresolvedKeyVaultReference, StringComparison.OrdinalIgnoreCase);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var configured = configuration[KeySetting];
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

        if (!IsUsable(configured) || presented is null ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(SHA256Hex(presented)), Encoding.UTF8.GetBytes(SHA256Hex(configured))))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"admin\"";
            return RequestProblems.Unauthorized("The admin key is missing or wrong.",
                "Admin calls carry 'Authorization: Bearer <admin key>' with the key configured as Admin__Key.");
        }

        return await next(context);
    }

    // Hashing first makes the comparison constant-time whatever the lengths.
    private static string SHA256Hex(string s) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
}
