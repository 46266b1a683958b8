using LandRedevelopment.Storage;

namespace LandRedevelopment.Shared.Tests.Storage;

public class StorageConnectionStringTests
{
    [Fact]
    public void Development_storage_is_Azurite_on_its_default_ports_with_the_well_known_account()
    {
        var cs = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", cs.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), cs.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), cs.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), cs.TableEndpoint);
        Assert.Equal("devstoreaccount1", cs.Credential!.AccountName);
    }

    [Fact]
    public void Account_name_key_and_suffix_give_the_public_endpoints()
    {
        var cs = StorageConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=landprod;AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://landprod.blob.core.chinacloudapi.cn"), cs.BlobEndpoint);
        Assert.Equal(new Uri("https://landprod.queue.core.chinacloudapi.cn"), cs.QueueEndpoint);
        Assert.Equal(new Uri("https://landprod.table.core.chinacloudapi.cn"), cs.TableEndpoint);
        Assert.Equal("landprod", cs.AccountName);
    }

    [Fact]
    public void Explicit_endpoints_win_and_the_account_comes_from_a_path_style_endpoint()
    {
        var cs = StorageConnectionString.Parse(
            "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:5000/acct;QueueEndpoint=http://127.0.0.1:5001/acct;TableEndpoint=http://127.0.0.1:5002/acct");

        Assert.Equal("acct", cs.AccountName);
        Assert.Equal(5001, cs.QueueEndpoint.Port);
        Assert.True(StorageConnectionString.IsPathStyle(cs.TableEndpoint));
    }

    [Fact]
    public void A_SAS_connection_string_has_no_key_and_keeps_the_token()
    {
        var cs = StorageConnectionString.Parse("BlobEndpoint=https://a.blob.core.windows.net;QueueEndpoint=https://a.queue.core.windows.net;TableEndpoint=https://a.table.core.windows.net;SharedAccessSignature=?sv=2025-11-05&sig=abc");

        Assert.Null(cs.Credential);
        Assert.Equal("sv=2025-11-05&sig=abc", cs.SasToken);
        Assert.Equal("a", cs.AccountName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AccountName", "Name=Value")]
    [InlineData("AccountName=a", "neither AccountKey nor SharedAccessSignature")]
    [InlineData("AccountKey=a2V5", "neither BlobEndpoint nor AccountName")]
    [InlineData("AccountName=a;AccountKey=not base64!", "base64")]
    [InlineData("AccountKey=a2V5;BlobEndpoint=relative/path", "absolute URI")]
    public void A_broken_connection_string_says_what_is_wrong(string connectionString, string expected)
    {
        var e = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
