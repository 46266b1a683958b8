using System.Net;
using System.Text.Json;
using Azure;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Shared.Tests.Storage.Tables;

/// <summary>
/// The pure client over a recording transport: authentication headers, the JSON payload format, and
/// reading Azure-shaped transaction responses that Azurite does not produce.
/// </summary>
public class TableClientWireTests
{
    private static readonly Uri Endpoint = new("https://acct.table.core.windows.net");

    [Fact]
    public async Task A_TokenCredential_client_sends_a_Bearer_token_for_the_storage_scope()
    {
        var handler = new RecordingHandler();
        var credential = new FakeTokenCredential("fake-token");
        var table = new TableClient(Endpoint, "orders", credential, handler.Options());

        await table.AddEntityAsync(new TableEntity("p", "r"));

        var request = Assert.Single(handler.Requests);
        Assert.Equal("Bearer fake-token", request.Headers["Authorization"]);
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
        Assert.Equal("2019-02-02", request.Headers["x-ms-version"]);
        Assert.Equal(new Uri("https://acct.table.core.windows.net/orders"), request.Uri);
        Assert.Equal(HttpMethod.Post, request.Method);
    }

    [Fact]
    public async Task A_shared_key_client_signs_with_SharedKeyLite()
    {
        var handler = new RecordingHandler();
        var table = new TableClient(Endpoint, "orders", new StorageSharedKeyCredential("acct", Convert.ToBase64String(new byte[32])), handler.Options());

        await table.DeleteEntityAsync("p", "r");

        var request = Assert.Single(handler.Requests);
        Assert.StartsWith("SharedKeyLite acct:", request.Headers["Authorization"]);
        Assert.Equal("*", request.Headers["If-Match"]);
        Assert.Equal("https://acct.table.core.windows.net/orders(PartitionKey='p',RowKey='r')", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task The_service_client_shares_one_pipeline_with_the_table_clients_it_hands_out()
    {
        var handler = new RecordingHandler();
        var credential = new FakeTokenCredential("fake-token");
        var service = new TableServiceClient(Endpoint, credential, handler.Options());

        await service.GetTableClient("a").AddEntityAsync(new TableEntity("p", "r"));
        await service.GetTableClient("b").AddEntityAsync(new TableEntity("p", "r"));

        Assert.Equal(["/a", "/b"], handler.Requests.Select(r => r.Uri.AbsolutePath));
        Assert.All(handler.Requests, r => Assert.Equal("Bearer fake-token", r.Headers["Authorization"]));
        Assert.Single(credential.Scopes); // one pipeline, so one cached token for both tables
    }

    [Fact]
    public async Task Entities_go_out_as_minimal_JSON_with_odata_type_on_every_non_native_type()
    {
        var handler = new RecordingHandler();
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        await table.AddEntityAsync(new TableEntity("p", "r")
        {
            ["Text"] = "文本",
            ["Int"] = 5,
            ["Flag"] = false,
            ["Long"] = (1L << 53) + 1,
            ["Whole"] = 2.0,
            ["Nan"] = double.NaN,
            ["Inf"] = double.PositiveInfinity,
            ["When"] = new DateTimeOffset(2026, 1, 2, 11, 4, 5, TimeSpan.FromHours(8)),
            ["Id"] = id,
            ["Bytes"] = new byte[] { 1, 2, 3 },
            ["Null"] = null,
            ["Timestamp"] = DateTimeOffset.UnixEpoch,
        });

        var request = Assert.Single(handler.Requests);
        Assert.Equal("application/json", request.Headers["Content-Type"]);
        Assert.Equal("application/json;odata=minimalmetadata", request.Headers["Accept"].Replace(" ", "", StringComparison.Ordinal)); // HttpClient re-spaces media type parameters
        Assert.Equal("return-no-content", request.Headers["Prefer"]);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        string? Type(string name) => root.TryGetProperty(name + "@odata.type", out var t) ? t.GetString() : null;

        Assert.Equal(("文本", null), (root.GetProperty("Text").GetString(), Type("Text")));
        Assert.Equal((5, null), (root.GetProperty("Int").GetInt32(), Type("Int")));
        Assert.Equal((JsonValueKind.False, null), (root.GetProperty("Flag").ValueKind, Type("Flag")));
        Assert.Equal(("9007199254740993", "Edm.Int64"), (root.GetProperty("Long").GetString(), Type("Long")));
        Assert.Equal((2.0, "Edm.Double"), (root.GetProperty("Whole").GetDouble(), Type("Whole")));
        Assert.Equal(("NaN", "Edm.Double"), (root.GetProperty("Nan").GetString(), Type("Nan")));
        Assert.Equal(("Infinity", "Edm.Double"), (root.GetProperty("Inf").GetString(), Type("Inf")));
        Assert.Equal(("2026-01-02T03:04:05.0000000Z", "Edm.DateTime"), (root.GetProperty("When").GetString(), Type("When")));
        Assert.Equal(("0f8fad5b-d9cb-469f-a165-70867728950e", "Edm.Guid"), (root.GetProperty("Id").GetString(), Type("Id")));
        Assert.Equal(("AQID", "Edm.Binary"), (root.GetProperty("Bytes").GetString(), Type("Bytes")));
        Assert.False(root.TryGetProperty("Null", out _));
        Assert.False(root.TryGetProperty("Timestamp", out _)); // the service owns it
        Assert.Equal("p", root.GetProperty("PartitionKey").GetString());
    }

    [Fact]
    public async Task Unsupported_property_types_are_refused_before_sending()
    {
        var handler = new RecordingHandler();
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());

        var e = await Assert.ThrowsAsync<NotSupportedException>(() => table.AddEntityAsync(new TableEntity("p", "r") { ["Price"] = 1.5m }));

        Assert.Contains("Price", e.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_transaction_request_is_one_changeset_with_the_right_verb_and_If_Match_per_action()
    {
        var handler = new RecordingHandler { Respond = _ => BatchResponse(Enumerable.Repeat(SubResponse("204 No Content", "ETag: W/\"1\""), 6).ToArray()) };
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());
        var etag = new ETag("W/\"datetime'2026-01-01T00%3A00%3A00Z'\"");

        await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.Delete, new TableEntity("p", "b")),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "c"), etag),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "d")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "e"), etag),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "f")),
        ]);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://acct.table.core.windows.net/$batch", request.Uri.AbsoluteUri);
        var boundary = request.Headers["Content-Type"].Split("boundary=")[1];
        var parts = request.Body.Split("--changeset_")[1..^1];
        Assert.StartsWith("batch_", boundary);
        Assert.Equal(6, parts.Length);
        string RequestLine(int i) => parts[i].Split("\r\n").Single(l => l.Contains(" HTTP/1.1", StringComparison.Ordinal));
        string? IfMatch(int i) => parts[i].Split("\r\n").SingleOrDefault(l => l.StartsWith("If-Match: ", StringComparison.Ordinal))?[10..];
        const string table0 = "https://acct.table.core.windows.net/orders";
        Assert.Equal($"POST {table0} HTTP/1.1", RequestLine(0));
        Assert.Equal($"DELETE {table0}(PartitionKey='p',RowKey='b') HTTP/1.1", RequestLine(1));
        Assert.Equal($"MERGE {table0}(PartitionKey='p',RowKey='c') HTTP/1.1", RequestLine(2));
        Assert.Equal($"PUT {table0}(PartitionKey='p',RowKey='d') HTTP/1.1", RequestLine(3));
        Assert.Equal($"MERGE {table0}(PartitionKey='p',RowKey='e') HTTP/1.1", RequestLine(4));
        Assert.Equal($"PUT {table0}(PartitionKey='p',RowKey='f') HTTP/1.1", RequestLine(5));
        Assert.Equal([null, "*", etag.ToString("H"), "*", null, null], Enumerable.Range(0, 6).Select(IfMatch));
    }

    [Fact]
    public async Task Azure_style_success_gives_one_response_per_action_with_its_ETag()
    {
        var handler = new RecordingHandler
        {
            Respond = _ => BatchResponse(SubResponse("204 No Content", "ETag: W/\"one\""), SubResponse("204 No Content", "ETag: W/\"two\"")),
        };
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());

        var result = await table.SubmitTransactionAsync(
            [new(TableTransactionActionType.Add, new TableEntity("p", "a")), new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "b"))]);

        Assert.Equal([204, 204], result.Value.Select(r => r.Status));
        Assert.Equal([new ETag("W/\"one\""), new ETag("W/\"two\"")], result.Value.Select(r => r.Headers.ETag!.Value));
    }

    [Fact]
    public async Task Azure_style_failure_takes_the_index_from_the_message_prefix()
    {
        // Azure answers a failed changeset with the one failing response, no Content-ID, and "index:" before the message.
        var handler = new RecordingHandler
        {
            Respond = _ => BatchResponse(SubResponse("412 Precondition Failed", "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
                """{"odata.error":{"code":"UpdateConditionNotSatisfied","message":{"lang":"en-US","value":"2:The update condition specified in the request was not satisfied.\nRequestId:x\nTime:y"}}}""")),
        };
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(Actions(3)));

        Assert.Equal(2, e.FailedTransactionActionIndex);
        Assert.Equal(412, e.Status);
        Assert.Equal("UpdateConditionNotSatisfied", e.ErrorCode);
    }

    [Fact]
    public async Task Without_a_message_prefix_the_index_comes_from_the_one_based_Content_ID()
    {
        var handler = new RecordingHandler
        {
            Respond = _ => BatchResponse(SubResponse("409 Conflict", "Content-ID: 2\r\nContent-Type: application/json",
                """{"odata.error":{"code":"EntityAlreadyExists","message":{"lang":"en-US","value":"The specified entity already exists."}}}""")),
        };
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(Actions(3)));

        Assert.Equal(1, e.FailedTransactionActionIndex);
        Assert.Equal("EntityAlreadyExists", e.ErrorCode);
    }

    [Fact]
    public async Task A_failure_that_names_no_action_has_a_null_index()
    {
        var handler = new RecordingHandler
        {
            Respond = _ => BatchResponse(SubResponse("400 Bad Request", "Content-Type: application/json",
                """{"odata.error":{"code":"InvalidInput","message":{"lang":"en-US","value":"99:One of the request inputs is not valid."}}}""")),
        };
        var table = new TableClient(Endpoint, "orders", new FakeTokenCredential("t"), handler.Options());

        var e = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(Actions(3)));

        Assert.Null(e.FailedTransactionActionIndex); // 99 is not an action of this transaction
        Assert.Equal((400, "InvalidInput"), (e.Status, e.ErrorCode));
    }

    private static List<TableTransactionAction> Actions(int count) =>
        Enumerable.Range(0, count).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", i.ToString()))).ToList();

    private static string SubResponse(string status, string headers, string body = "") =>
        "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
        $"HTTP/1.1 {status}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\n{headers}\r\n\r\n{body}\r\n";

    private static HttpResponseMessage BatchResponse(params string[] parts) =>
        RecordingHandler.Text(HttpStatusCode.Accepted, "multipart/mixed; boundary=batchresponse_8a28b620-b4bb-458c-a177-0959fb14c977",
            "--batchresponse_8a28b620-b4bb-458c-a177-0959fb14c977\r\n" +
            "Content-Type: multipart/mixed; boundary=changesetresponse_fb3ee4d2-f2f2-4a0e-b0b7-30a2d9ee5f9b\r\n\r\n" +
            string.Concat(parts.Select(p => "--changesetresponse_fb3ee4d2-f2f2-4a0e-b0b7-30a2d9ee5f9b\r\n" + p)) +
            "--changesetresponse_fb3ee4d2-f2f2-4a0e-b0b7-30a2d9ee5f9b--\r\n" +
            "--batchresponse_8a28b620-b4bb-458c-a177-0959fb14c977--\r\n");
}
