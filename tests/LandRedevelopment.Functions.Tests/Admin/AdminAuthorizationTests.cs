using LandRedevelopment.Functions.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRedevelopment.Functions.Tests.Admin;

/// <summary>The admin key filter: which configured keys can serve, and what an unusable one does to a call.</summary>
public class AdminAuthorizationTests
{
    private const string Key = "a-configured-admin-key-of-thirty-two";

    [Theory]
    [InlineData(Key, true)]
    [InlineData("short-key", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://landredev-kv.vault.azure.net/secrets/admin-key/)", false)]
    [InlineData("@microsoft.keyvault(VaultName=landredev-kv;SecretName=admin-key)", false)]
    [InlineData("  @Microsoft.KeyVault(SecretUri=https://landredev-kv.vault.azure.net/secrets/admin-key/)", false)]
    public void A_configured_key_serves_only_when_long_enough_and_not_an_unresolved_key_vault_reference(string? configured, bool usable)
    {
        Assert.Equal(usable, AdminAuthorization.IsUsable(configured));
    }

    [Theory]
    [InlineData(Key, 200)]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://landredev-kv.vault.azure.net/secrets/admin-key/)", 401)]
    public async Task Presenting_the_configured_text_is_let_through_only_when_it_is_a_usable_key(string configured, int expected)
    {
        var filter = new AdminAuthorization(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AdminAuthorization.KeySetting] = configured }).Build());
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer " + configured;

        var result = await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ => ValueTask.FromResult<object?>(TypedResults.Ok()));

        var status = Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode;
        Assert.Equal(expected, status);
        Assert.Equal(expected == 401, http.Response.Headers.WWWAuthenticate.Count > 0);
    }
}
