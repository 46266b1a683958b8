using System.Net;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Storage.Queues;

namespace LandRedevelopment.Shared.Tests.Storage.Blobs;

/// <summary>
/// Clients built with a <see cref="TokenCredential"/> (managed identity in production) send Entra ID bearer tokens.
/// A fake credential and a fake transport stand in for Entra ID and the service: no network.
/// </summary>
public class TokenAuthenticationTests
{
    private static readonly Uri Account = new("https://acct.blob.core.windows.net");

    [Fact]
    public async Task Blob_client_sends_the_token_for_the_storage_scope_as_a_bearer()
    {
        var credential = new FakeTokenCredential();
        var transport = new FakeTransport(_ => Reply(HttpStatusCode.OK, headers: new() { ["ETag"] = "\"0x8D1\"", ["Content-Length"] = "5" }));
        var blob = new BlobClient(new Uri(Account, "evidence/plan.pdf"), credential, new BlobClientOptions { Transport = transport.Transport });

        var properties = (await blob.GetPropertiesAsync()).Value;

        var request = Assert.Single(transport.Requests);
        Assert.Equal(HttpMethod.Head, request.Method);
        Assert.Equal("Bearer fake-token", request.Headers["Authorization"]);
        Assert.Equal(BlobClientOptions.DefaultServiceVersion, request.Headers["x-ms-version"]);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
        Assert.Equal(5, properties.ContentLength);
        Assert.False(blob.CanGenerateSasUri);
        Assert.Throws<InvalidOperationException>(() => blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)));
    }

    [Fact]
    public async Task User_delegation_key_is_requested_with_the_token_and_signs_a_user_delegation_SAS()
    {
        var transport = new FakeTransport(_ => Reply(HttpStatusCode.OK,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>oid-1</SignedOid><SignedTid>tid-1</SignedTid>" +
            "<SignedStart>2026-11-22T02:00:00Z</SignedStart><SignedExpiry>2026-11-23T02:00:00Z</SignedExpiry>" +
            "<SignedService>b</SignedService><SignedVersion>2025-11-05</SignedVersion><Value>a2V5LWtleS1rZXk=</Value></UserDelegationKey>"));
        var service = new BlobServiceClient(Account, new FakeTokenCredential(), new BlobClientOptions { Transport = transport.Transport });

        var key = (await service.GetUserDelegationKeyAsync(
            new DateTimeOffset(2026, 11, 22, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero))).Value;

        var request = Assert.Single(transport.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/?restype=service&comp=userdelegationkey", request.PathAndQuery);
        Assert.Equal("Bearer fake-token", request.Headers["Authorization"]);
        Assert.Equal("<KeyInfo><Start>2026-11-22T02:00:00Z</Start><Expiry>2026-11-23T02:00:00Z</Expiry></KeyInfo>", request.Body);
        Assert.Equal(("oid-1", "tid-1", "b", "2025-11-05", "a2V5LWtleS1rZXk="), (key.SignedObjectId, key.SignedTenantId, key.SignedService, key.SignedVersion, key.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero), key.SignedExpiresOn);

        var builder = new BlobSasBuilder { BlobContainerName = "evidence", BlobName = "plan.pdf", ExpiresOn = key.SignedExpiresOn };
        builder.SetPermissions(BlobSasPermissions.Read);
        var sas = builder.ToSasQueryParameters(key, service.AccountName).ToString();
        Assert.Contains("&skoid=oid-1&sktid=tid-1&skt=2026-11-22T02%3A00%3A00Z&ske=2026-11-23T02%3A00%3A00Z&sks=b&skv=2025-11-05&sr=b&sp=r&sig=", sas, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_client_sends_the_token_as_a_bearer()
    {
        var transport = new FakeTransport(_ => Reply(HttpStatusCode.NoContent));
        var queue = new QueueClient(new Uri("https://acct.queue.core.windows.net/jobs"), new FakeTokenCredential(),
            new QueueClientOptions { Transport = transport.Transport });

        await queue.ClearMessagesAsync();

        var request = Assert.Single(transport.Requests);
        Assert.Equal("/jobs/messages", request.PathAndQuery);
        Assert.Equal("Bearer fake-token", request.Headers["Authorization"]);
    }

    private static HttpResponseMessage Reply(HttpStatusCode status, string? body = null, Dictionary<string, string>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? string.Empty)) };
        foreach (var (name, value) in headers ?? [])
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.Remove(name);
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    private sealed class FakeTokenCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("fake-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed record SentRequest(HttpMethod Method, string PathAndQuery, Dictionary<string, string> Headers, string Body);

    /// <summary>Answers every request from a function and records what was sent; nothing leaves the process.</summary>
    private sealed class FakeTransport(Func<HttpRequestMessage, HttpResponseMessage> reply) : HttpMessageHandler
    {
        public List<SentRequest> Requests { get; } = [];

        public HttpPipelineTransport Transport => new HttpClientTransport(new HttpClient(this));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new SentRequest(request.Method, request.RequestUri!.PathAndQuery, headers, body));
            return reply(request);
        }
    }
}
