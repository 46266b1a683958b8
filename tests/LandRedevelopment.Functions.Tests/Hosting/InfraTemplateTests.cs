using System.Text.RegularExpressions;
using LandRedevelopment.Functions.Admin;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Functions.Hosting.Local;
using LandRedevelopment.Functions.Review;
using LandRedevelopment.Mail;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Hosting;

/// <summary>
/// Holds <c>infra/main.bicep</c> to the code and to the README's settings table: the app settings it deploys are
/// the names the app binds (or the Functions host's and the platform's own), storage is reached by the identity
/// that holds the data roles, secrets come from Key Vault, and nothing meant for tests is switched on in Azure.
/// The template is read as text, so these tests need no Bicep compiler.
/// </summary>
public sealed partial class InfraTemplateTests
{
    /// <summary>Settings the Functions host or App Service reads, not the app: the only names allowed beside the README's table.</summary>
    private static readonly string[] PlatformSettings =
    [
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME",
        "AzureWebJobsStorage__credential",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ];

    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private static readonly Lazy<string> TemplateText = new(() => File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep")).ReplaceLineEndings("\n"));

    private static string Template => TemplateText.Value;

    [Fact]
    public void Every_app_setting_in_the_template_is_in_the_readme_settings_table_or_is_the_platforms_own()
    {
        var documented = ReadmeSettingNames();
        Assert.Contains("Admin__Key", documented);
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", documented);

        var settings = AppSettings();
        Assert.True(settings.Count >= 10, $"only {settings.Count} app settings found in the template: {string.Join(", ", settings.Keys)}");
        Assert.All(settings.Keys, name => Assert.True(documented.Contains(name) || PlatformSettings.Contains(name),
            $"'{name}' is set by infra/main.bicep but is neither in the README's settings table nor a Functions host or platform setting"));
    }

    [Fact]
    public void The_settings_the_template_gives_the_app_are_the_names_its_code_binds()
    {
        var settings = AppSettings();

        Assert.Contains(Setting(AdminAuthorization.KeySetting), settings.Keys);
        Assert.Contains($"{StorageAccount.DefaultConnectionName}__accountName", settings.Keys);
        Assert.Contains($"{StorageAccount.DefaultConnectionName}__clientId", settings.Keys);
        Assert.Contains($"{ReviewOptions.Section}__{nameof(ReviewOptions.PublicBaseUrl)}", settings.Keys);
        foreach (var smtp in new[] { nameof(SmtpOptions.Host), nameof(SmtpOptions.Port), nameof(SmtpOptions.EnableStartTls), nameof(SmtpOptions.UserName), nameof(SmtpOptions.Password), nameof(SmtpOptions.From) })
        {
            Assert.Contains($"Smtp__{smtp}", settings.Keys);
        }
    }

    [Fact]
    public void The_function_app_is_a_linux_custom_handler_on_functions_4_behind_https_only()
    {
        var settings = AppSettings();
        var app = ResourceBlock("Microsoft.Web/sites");
        var plan = ResourceBlock("Microsoft.Web/serverfarms");

        Assert.Equal("'custom'", settings["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("'~4'", settings["FUNCTIONS_EXTENSION_VERSION"]);
        Assert.Contains("kind: 'functionapp,linux'", app, StringComparison.Ordinal);
        Assert.Contains("httpsOnly: true", app, StringComparison.Ordinal);
        Assert.Contains("minTlsVersion: '1.2'", app, StringComparison.Ordinal);
        Assert.Contains("ftpsState: 'Disabled'", app, StringComparison.Ordinal);
        Assert.Contains("name: 'EP1'", plan, StringComparison.Ordinal);
        Assert.Contains("tier: 'ElasticPremium'", plan, StringComparison.Ordinal);
        Assert.Contains("reserved: true", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_is_reached_by_the_user_assigned_identity_and_never_by_a_key()
    {
        var settings = AppSettings();
        var storage = Symbol("Microsoft.Storage/storageAccounts");
        var identity = Symbol("Microsoft.ManagedIdentity/userAssignedIdentities");

        Assert.DoesNotContain(StorageAccount.DefaultConnectionName, settings.Keys); // a connection string would carry a key
        Assert.Equal($"{storage}.name", settings[$"{StorageAccount.DefaultConnectionName}__accountName"]);
        Assert.Equal($"{identity}.properties.clientId", settings[$"{StorageAccount.DefaultConnectionName}__clientId"]);
        Assert.Equal("'managedidentity'", settings[$"{StorageAccount.DefaultConnectionName}__credential"]);
        Assert.Equal($"{identity}.id", settings["WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID"]);
        Assert.Contains($"'${{{identity}.id}}': {{}}", ResourceBlock("Microsoft.Web/sites"), StringComparison.Ordinal);
        Assert.Contains("allowSharedKeyAccess: false", ResourceBlock("Microsoft.Storage/storageAccounts"), StringComparison.Ordinal);
        Assert.Contains("allowBlobPublicAccess: false", ResourceBlock("Microsoft.Storage/storageAccounts"), StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys(", Template, StringComparison.Ordinal);
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", settings.Keys);
    }

    [Fact]
    public void The_app_identity_holds_blob_owner_queue_and_table_contributor_on_the_storage_account()
    {
        var storage = Symbol("Microsoft.Storage/storageAccounts");
        var identity = Symbol("Microsoft.ManagedIdentity/userAssignedIdentities");
        var granted = new HashSet<string>(StringComparer.Ordinal);

        foreach (var assignment in ResourceBlocks("Microsoft.Authorization/roleAssignments")
            .Where(b => b.Contains($"scope: {storage}\n", StringComparison.Ordinal) && b.Contains($"principalId: {identity}.properties.principalId", StringComparison.Ordinal)))
        {
            // Either one role id in the assignment itself, or a loop over a variable listing them.
            granted.UnionWith(RoleIds(assignment));
            if (LoopSource().Match(assignment) is { Success: true } loop)
            {
                granted.UnionWith(RoleIds(VariableBlock(loop.Groups["source"].Value)));
            }
        }

        Assert.Contains(StorageBlobDataOwner, granted);
        Assert.Contains(StorageQueueDataContributor, granted);
        Assert.Contains(StorageTableDataContributor, granted);
    }

    [Fact]
    public void The_admin_key_and_the_smtp_password_are_key_vault_references_read_with_the_app_identity()
    {
        var settings = AppSettings();
        var identity = Symbol("Microsoft.ManagedIdentity/userAssignedIdentities");
        var vault = Symbol("Microsoft.KeyVault/vaults");

        foreach (var (setting, parameter) in new[] { (Setting(AdminAuthorization.KeySetting), "adminKey"), ("Smtp__Password", "smtpPassword") })
        {
            var reference = KeyVaultReference().Match(settings[setting]);
            Assert.True(reference.Success, $"{setting} is not a Key Vault reference: {settings[setting]}");
            var secret = ResourceBlock(reference.Groups["secret"].Value, bySymbol: true);
            Assert.Contains("'Microsoft.KeyVault/vaults/secrets@", secret, StringComparison.Ordinal);
            Assert.Contains($"value: {parameter}\n", secret, StringComparison.Ordinal);
            Assert.Matches(new Regex($@"@secure\(\)\n(@[^\n]*\n)*param {parameter} string\n"), Template);
        }

        Assert.Contains($"keyVaultReferenceIdentity: {identity}.id", ResourceBlock("Microsoft.Web/sites"), StringComparison.Ordinal);
        Assert.Contains("enableRbacAuthorization: true", ResourceBlock("Microsoft.KeyVault/vaults"), StringComparison.Ordinal);
        Assert.Contains(ResourceBlocks("Microsoft.Authorization/roleAssignments"), b =>
            b.Contains($"scope: {vault}\n", StringComparison.Ordinal) &&
            b.Contains($"principalId: {identity}.properties.principalId", StringComparison.Ordinal) &&
            RoleIds(b).Contains(KeyVaultSecretsUser));
    }

    [Fact]
    public void The_admin_key_parameter_refuses_keys_shorter_than_the_app_accepts()
    {
        Assert.Matches(new Regex($@"@minLength\({AdminAuthorization.MinimumKeyLength}\)\n(@[^\n]*\n)*param adminKey string\n"), Template);
    }

    [Fact]
    public void Mail_goes_out_over_starttls_and_decision_links_are_https()
    {
        var settings = AppSettings();

        Assert.Equal("'true'", settings["Smtp__EnableStartTls"]);
        Assert.Matches(new Regex(@"^var reviewBaseUrl = empty\(publicBaseUrl\) \? 'https://", RegexOptions.Multiline), Template);
        Assert.Equal("reviewBaseUrl", settings[$"{ReviewOptions.Section}__{nameof(ReviewOptions.PublicBaseUrl)}"]);
    }

    [Fact]
    public void No_test_only_setting_is_set_in_azure()
    {
        var testOnly = new[]
        {
            Setting(ClockApi.Setting),
            Section(ReviewHosting.ExitAfterCommitSetting),
            SeedOptions.Section + "__",
            LocalTriggerRunnerOptions.Section + "__",
        };
        Assert.Equal(new[] { "Clock__Adjustable", "Faults__", "Seed__", "LocalTriggers__" }, testOnly); // as the README's table names them

        Assert.All(AppSettings().Keys, name => Assert.DoesNotContain(testOnly, prefix => name.StartsWith(prefix, StringComparison.Ordinal)));
        // Nor built some other way than a name/value pair (an object key, a string put together): no code names one.
        var code = CommentLine().Replace(Template, "");
        Assert.All(testOnly, prefix => Assert.DoesNotContain(prefix, code, StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_the_functions_host_gives_the_app_are_left_to_it()
    {
        Assert.DoesNotContain("FUNCTIONS_CUSTOMHANDLER_PORT", AppSettings().Keys);
    }

    [Fact]
    public void The_outputs_name_the_function_app_host_and_the_storage_account()
    {
        var app = Symbol("Microsoft.Web/sites");
        var storage = Symbol("Microsoft.Storage/storageAccounts");

        Assert.Matches(new Regex($@"^output \w+ string = {app}\.properties\.defaultHostName$", RegexOptions.Multiline), Template);
        Assert.Matches(new Regex($@"^output \w+ string = {storage}\.name$", RegexOptions.Multiline), Template);
    }

    [Fact]
    public void Every_parameter_is_described()
    {
        var lines = Template.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("param ", StringComparison.Ordinal))
            {
                continue;
            }

            var decorators = Enumerable.Reverse(lines[..i]).TakeWhile(l => l.StartsWith('@') || l.StartsWith("  ", StringComparison.Ordinal) || l == "])");
            Assert.True(decorators.Any(l => l.StartsWith("@description('", StringComparison.Ordinal)), $"undescribed: {lines[i]}");
        }

        Assert.Contains(lines, l => l.StartsWith("param namePrefix string", StringComparison.Ordinal));
        Assert.Contains("param location string = resourceGroup().location\n", Template, StringComparison.Ordinal);
    }

    /// <summary>The names in the first column of the README's settings table; <c>`__x`</c> continues the name before it.</summary>
    private static HashSet<string> ReadmeSettingNames()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var header = Array.FindIndex(lines, l => l.Replace(" ", "", StringComparison.Ordinal).StartsWith("|setting|meaning|", StringComparison.Ordinal));
        Assert.True(header >= 0, "the README has no '| setting | meaning |' table");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var firstCell = row.Split('|')[1];
            var previous = "";
            foreach (Match token in Backticked().Matches(firstCell))
            {
                var name = token.Groups[1].Value;
                if (name.StartsWith("__", StringComparison.Ordinal))
                {
                    name = previous[..previous.IndexOf("__", StringComparison.Ordinal)] + name;
                }

                names.Add(name);
                previous = name;
            }
        }

        return names;
    }

    /// <summary>The app settings: every <c>name: '…'</c> followed on the next line by <c>value: …</c>, with that value as written.</summary>
    private static Dictionary<string, string> AppSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in NameValuePair().Matches(Template))
        {
            Assert.True(settings.TryAdd(m.Groups["name"].Value, m.Groups["value"].Value), $"'{m.Groups["name"].Value}' is set twice");
        }

        return settings;
    }

    /// <summary>The symbolic name of the one resource of that type.</summary>
    private static string Symbol(string type)
    {
        var matches = ResourceDeclaration(type).Matches(Template);
        Assert.True(matches.Count == 1, $"expected one {type} in the template, found {matches.Count}");
        return matches[0].Groups["symbol"].Value;
    }

    private static string ResourceBlock(string typeOrSymbol, bool bySymbol = false)
    {
        var declaration = bySymbol
            ? new Regex($@"^resource {Regex.Escape(typeOrSymbol)} '[^']+'[^\n]*=", RegexOptions.Multiline).Match(Template)
            : ResourceDeclaration(typeOrSymbol).Match(Template);
        Assert.True(declaration.Success, $"no resource {typeOrSymbol} in the template");
        return Block(declaration.Index);
    }

    private static IEnumerable<string> ResourceBlocks(string type) =>
        ResourceDeclaration(type).Matches(Template).Select(m => Block(m.Index)).ToArray();

    private static string VariableBlock(string name)
    {
        var declaration = new Regex($@"^var {Regex.Escape(name)} = \[", RegexOptions.Multiline).Match(Template);
        Assert.True(declaration.Success, $"no array variable {name} in the template");
        var end = Template.IndexOf("\n]", declaration.Index, StringComparison.Ordinal);
        var block = Template[declaration.Index..end];
        // Role ids may be listed through other variables: take those variables' values in.
        foreach (Match item in ArrayItemSymbol().Matches(block))
        {
            if (StringVariable(item.Groups[1].Value) is { } value)
            {
                block += "\n'" + value + "'";
            }
        }

        return block;
    }

    /// <summary>From a declaration to the brace that closes its body (braces inside interpolations balance out).</summary>
    private static string Block(int start)
    {
        var open = Template.IndexOf('{', start);
        var depth = 0;
        for (var i = open; i < Template.Length; i++)
        {
            depth += Template[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return Template[start..(i + 1)];
            }
        }

        throw new InvalidOperationException("unbalanced braces after offset " + start);
    }

    /// <summary>Role definition ids named in a block, directly or through a variable holding one.</summary>
    private static HashSet<string> RoleIds(string block)
    {
        var ids = new HashSet<string>(Guid().Matches(block).Select(m => m.Value), StringComparer.Ordinal);
        foreach (Match reference in RoleDefinitionVariable().Matches(block))
        {
            if (StringVariable(reference.Groups[1].Value) is { } value)
            {
                ids.Add(value);
            }
        }

        return ids;
    }

    /// <summary>The value of a <c>var name = '…'</c> declaration, or null when there is none.</summary>
    private static string? StringVariable(string name) =>
        new Regex($@"^var {Regex.Escape(name)} = '(?<value>[^']*)'", RegexOptions.Multiline).Match(Template) is { Success: true } value ? value.Groups["value"].Value : null;

    private static string Setting(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private static string Section(string configurationKey) => configurationKey[..configurationKey.IndexOf(':', StringComparison.Ordinal)] + "__";

    private static Regex ResourceDeclaration(string type) =>
        new($@"^resource (?<symbol>\w+) '{Regex.Escape(type)}@[0-9a-z-]+'[^\n]*=", RegexOptions.Multiline);

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"^\s*name: '(?<name>[^']+)'\n\s*value: (?<value>[^\n]+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex NameValuePair();

    [GeneratedRegex(@"^'@Microsoft\.KeyVault\(SecretUri=\$\{(?<secret>\w+)\.properties\.secretUri\}\)'$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"\[for \w+ in (?<source>\w+):")]
    private static partial Regex LoopSource();

    [GeneratedRegex(@"roleDefinitions', (\w+)\)")]
    private static partial Regex RoleDefinitionVariable();

    [GeneratedRegex(@"^\s*(\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ArrayItemSymbol();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    /// <summary>A whole-line comment, or one after code (<c> // </c>; a URL's <c>://</c> is not one).</summary>
    [GeneratedRegex(@"(^\s*//|\s//\s)[^\n]*", RegexOptions.Multiline)]
    private static partial Regex CommentLine();
}
