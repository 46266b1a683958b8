using Azure.Core;
using Azure.Core.Pipeline;
using LandRedevelopment.Storage;

namespace LandRedevelopment.Shared.Tests.Storage;

/// <summary>
/// Golden string-to-sign tests: the exact bytes each scheme signs. A change in canonicalisation
/// (header order, query decoding, the empty Date line) breaks these before it breaks Azure.
/// </summary>
public class SigningGoldenTests
{
    private static Request NewRequest(RequestMethod method, string uri)
    {
        var pipeline = HttpPipelineBuilder.Build(new TestOptions());
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        return request;
    }

    private sealed class TestOptions : ClientOptions;

    [Fact]
    public void SharedKey_string_to_sign_orders_x_ms_headers_and_query_parameters_and_leaves_Date_empty()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/evidence/case%201/photo.jpg?comp=block&blockid=QUFB%3D%3D");
        request.Headers.SetValue("x-ms-version", "2025-11-05");
        request.Headers.SetValue("x-ms-date", "Sun, 22 Nov 2026 02:00:00 GMT");
        request.Headers.SetValue("X-MS-Client-Request-Id", "abc");
        request.Headers.SetValue("Content-Type", "image/jpeg");
        request.Headers.SetValue("If-Match", "\"0x8D\"");
        request.Content = RequestContent.Create(new byte[11]);

        var s = SharedKeyAuthenticationPolicy.BuildStringToSign(request, "devstoreaccount1");

        Assert.Equal(
            "PUT\n\n\n11\n\nimage/jpeg\n\n\n\"0x8D\"\n\n\n\n" +
            "x-ms-client-request-id:abc\nx-ms-date:Sun, 22 Nov 2026 02:00:00 GMT\nx-ms-version:2025-11-05\n" +
            "/devstoreaccount1/devstoreaccount1/evidence/case%201/photo.jpg\nblockid:QUFB==\ncomp:block",
            s);
    }

    [Fact]
    public void SharedKey_string_to_sign_sends_empty_length_for_an_empty_body_and_joins_repeated_parameters()
    {
        var request = NewRequest(RequestMethod.Get, "https://acct.queue.core.windows.net/payments/messages?numofmessages=32&visibilitytimeout=30&a=2&a=1");
        request.Headers.SetValue("x-ms-date", "Sun, 22 Nov 2026 02:00:00 GMT");

        var s = SharedKeyAuthenticationPolicy.BuildStringToSign(request, "acct");

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sun, 22 Nov 2026 02:00:00 GMT\n" +
            "/acct/payments/messages\na:1,2\nnumofmessages:32\nvisibilitytimeout:30",
            s);
    }

    [Fact]
    public void SharedKeyLite_string_to_sign_is_date_and_resource_with_only_comp()
    {
        var s = SharedKeyLiteAuthenticationPolicy.BuildStringToSign(
            "Sun, 22 Nov 2026 02:00:00 GMT",
            new Uri("http://127.0.0.1:10002/devstoreaccount1/cases(PartitionKey='karamay',RowKey='c1')?$select=State&comp=x"),
            "devstoreaccount1");

        Assert.Equal("Sun, 22 Nov 2026 02:00:00 GMT\n/devstoreaccount1/devstoreaccount1/cases(PartitionKey='karamay',RowKey='c1')?comp=x", s);
    }

    [Fact]
    public void SharedKeyLite_string_to_sign_without_comp_has_no_query()
    {
        var s = SharedKeyLiteAuthenticationPolicy.BuildStringToSign(
            "Sun, 22 Nov 2026 02:00:00 GMT", new Uri("https://acct.table.core.windows.net/Tables?$top=1"), "acct");

        Assert.Equal("Sun, 22 Nov 2026 02:00:00 GMT\n/acct/Tables", s);
    }

    [Fact]
    public void Hmac_matches_a_known_signature_of_the_development_key()
    {
        var credential = new StorageSharedKeyCredential(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey);
        // Computed independently: printf 'hello' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key as hex> | xxd -r -p | base64
        Assert.Equal(ExpectedHmacOfHello, credential.ComputeHmacSha256("hello"));
    }

    internal const string ExpectedHmacOfHello = "RZNkcjdiqwLn8Mmp35VHt1V5CCIG/zvduk6oPMOEU+s=";
}
