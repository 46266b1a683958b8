using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Blobs;

/// <summary>The blob clients against a real Azurite: one fresh container per test.</summary>
public class BlobClientTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private static readonly BlobUploadOptions TinyBlocks = new() { TransferOptions = new() { InitialTransferSize = 0, BlockSize = 1024 } };

    private async Task<BlobContainerClient> NewContainerAsync(BlobClientOptions? options = null)
    {
        var container = new BlobContainerClient(fixture.ConnectionString, AzuriteFixture.UniqueName("c"), options);
        Assert.NotNull(await container.CreateIfNotExistsAsync());
        return container;
    }

    private static async Task<byte[]> DownloadAsync(BlobClient blob)
    {
        using var result = (await blob.DownloadStreamingAsync()).Value;
        using var copy = new MemoryStream();
        await result.Content.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task CreateIfNotExists_returns_info_once_then_null_and_DeleteIfExists_reports_whether_it_deleted()
    {
        var container = new BlobContainerClient(fixture.ConnectionString, AzuriteFixture.UniqueName("c"));

        var first = await container.CreateIfNotExistsAsync();
        var second = await container.CreateIfNotExistsAsync();

        Assert.NotNull(first);
        Assert.NotEqual(default, first.Value.ETag);
        Assert.Null(second);
        Assert.True((await container.DeleteIfExistsAsync()).Value);
        Assert.False((await container.DeleteIfExistsAsync()).Value);
    }

    [Fact]
    public async Task Small_upload_is_one_Put_Blob_with_content_type_metadata_and_MD5()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("case 1/规划.txt");
        var content = Encoding.UTF8.GetBytes("土地再开发 plan v1");

        var info = (await blob.UploadAsync(new MemoryStream(content), new BlobUploadOptions
        {
            ContentType = "text/plain; charset=utf-8",
            Metadata = new Dictionary<string, string> { ["tenant"] = "karamay" },
        })).Value;
        var properties = (await blob.GetPropertiesAsync()).Value;
        var blocks = (await blob.GetBlockListAsync()).Value;

        Assert.Equal(content, await DownloadAsync(blob));
        Assert.Empty(blocks.CommittedBlocks);
        Assert.Equal(content.Length, properties.ContentLength);
        Assert.Equal("text/plain; charset=utf-8", properties.ContentType);
        Assert.Equal("karamay", properties.Metadata["tenant"]);
        Assert.Equal(info.ETag, properties.ETag);
        Assert.Equal(info.LastModified, properties.LastModified);
        Assert.Equal(MD5.HashData(content), properties.ContentHash);
        Assert.Equal("case 1/规划.txt", blob.Name);
        Assert.Equal(container.Name, blob.BlobContainerName);
    }

    [Fact]
    public async Task Content_in_memory_is_one_Put_Blob_within_the_initial_transfer_size_and_blocks_beyond_it()
    {
        var container = await NewContainerAsync();
        var small = container.GetBlobClient("small.bin");
        var large = container.GetBlobClient("large.bin");
        var bytes = RandomNumberGenerator.GetBytes(5000);

        var smallInfo = (await small.UploadAsync(new BinaryData(bytes.AsMemory(0, 3000)), new BlobUploadOptions
        {
            ContentType = "application/octet-stream",
            Metadata = new Dictionary<string, string> { ["sha256"] = "x" },
            TransferOptions = new() { InitialTransferSize = 3000, BlockSize = 1024 },
        })).Value;
        await large.UploadAsync(new BinaryData(bytes), new BlobUploadOptions { TransferOptions = new() { InitialTransferSize = 3000, BlockSize = 1024 } });

        Assert.Equal(bytes[..3000], await DownloadAsync(small));
        Assert.Empty((await small.GetBlockListAsync()).Value.CommittedBlocks);
        Assert.Equal(smallInfo.ETag, (await small.GetPropertiesAsync()).Value.ETag);
        Assert.Equal("x", (await small.GetPropertiesAsync()).Value.Metadata["sha256"]);
        Assert.Equal(bytes, await DownloadAsync(large));
        Assert.Equal(5, (await large.GetBlockListAsync()).Value.CommittedBlocks.Count);
    }

    [Fact]
    public async Task Twenty_megabytes_from_a_non_seekable_stream_go_up_block_by_block_without_buffering_the_whole()
    {
        const long length = 20L * 1024 * 1024 + 123;
        const int blockSize = 4 * 1024 * 1024;
        var source = new GeneratedStream(length, seed: 20);
        // Records how far the source had been read each time a block went out.
        var readWhenStaged = new List<long>();
        var options = new BlobClientOptions();
        options.AddPolicy(new OnBlockPolicy(() => readWhenStaged.Add(source.Produced)), HttpPipelinePosition.PerCall);
        var container = await NewContainerAsync(options);
        var blob = container.GetBlobClient("large.bin");

        var info = (await blob.UploadAsync(source, new BlobUploadOptions { ContentType = "application/octet-stream" })).Value;

        var committed = (await blob.GetBlockListAsync()).Value.CommittedBlocks;
        Assert.Equal(6, committed.Count);
        Assert.All(committed.Take(5), b => Assert.Equal(blockSize, b.Size));
        Assert.Equal(123, committed[5].Size);
        Assert.Single(committed.Select(b => b.Name.Length).Distinct());
        Assert.Equal(6, readWhenStaged.Count);
        for (var i = 0; i < readWhenStaged.Count; i++)
        {
            // Never more than the first buffer (InitialTransferSize + 1 bytes) read ahead of the blocks already sent.
            Assert.True(readWhenStaged[i] - (long)i * blockSize <= blockSize + 1 + blockSize,
                $"block {i} went out after {readWhenStaged[i]} bytes had been read");
        }

        var expected = GeneratedStream.Bytes(length, seed: 20);
        using var result = (await blob.DownloadStreamingAsync()).Value;
        Assert.IsNotType<MemoryStream>(result.Content);
        Assert.Equal(length, result.Details.ContentLength);
        Assert.Equal(info.ETag, result.Details.ETag);
        Assert.Equal(SHA256.HashData(expected), await SHA256.HashDataAsync(result.Content));
        Assert.Equal(MD5.HashData(expected), (await blob.GetPropertiesAsync()).Value.ContentHash);
    }

    [Fact]
    public async Task Streaming_download_reads_content_and_details_as_it_goes()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("stream.bin");
        var content = GeneratedStream.Bytes(300_000, seed: 3);
        var info = (await blob.UploadAsync(new MemoryStream(content), new BlobUploadOptions
        {
            ContentType = "application/pdf",
            Metadata = new Dictionary<string, string> { ["kind"] = "plan" },
        })).Value;

        using var result = (await blob.DownloadStreamingAsync(new BlobRequestConditions { IfMatch = info.ETag })).Value;
        var buffer = new byte[content.Length];
        var firstRead = await result.Content.ReadAsync(buffer.AsMemory(0, 1000));
        await result.Content.ReadExactlyAsync(buffer.AsMemory(firstRead));

        Assert.IsNotType<MemoryStream>(result.Content);
        Assert.Equal(content, buffer);
        Assert.Equal(0, await result.Content.ReadAsync(new byte[1]));
        Assert.Equal(content.Length, result.Details.ContentLength);
        Assert.Equal("application/pdf", result.Details.ContentType);
        Assert.Equal(info.ETag, result.Details.ETag);
        Assert.Equal(info.LastModified, result.Details.LastModified);
        Assert.Equal("plan", result.Details.Metadata["kind"]);
    }

    [Fact]
    public async Task Download_with_a_stale_If_Match_fails_with_412_and_the_error_code()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("versioned.txt");
        var old = (await blob.UploadAsync(new MemoryStream([1]))).Value.ETag;
        await blob.UploadAsync(new MemoryStream([2]));

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadStreamingAsync(new BlobRequestConditions { IfMatch = old }));

        Assert.Equal(412, e.Status);
        Assert.Equal("ConditionNotMet", e.ErrorCode);
    }

    [Fact]
    public async Task Listing_by_prefix_pages_with_the_continuation_marker()
    {
        var container = await NewContainerAsync();
        for (var i = 0; i < 7; i++)
        {
            await container.GetBlobClient($"case-a/doc{i}.txt").UploadAsync(new MemoryStream(new byte[i + 1]), new BlobUploadOptions { ContentType = "text/plain" });
        }

        await container.GetBlobClient("case-b/other.txt").UploadAsync(new MemoryStream([1]));

        var pages = new List<Page<BlobItem>>();
        await foreach (var page in container.GetBlobsAsync(prefix: "case-a/", pageSizeHint: 3).AsPages())
        {
            pages.Add(page);
        }

        var items = new List<BlobItem>();
        await foreach (var item in container.GetBlobsAsync(prefix: "case-a/", pageSizeHint: 2))
        {
            items.Add(item);
        }

        Assert.Equal([3, 3, 1], pages.Select(p => p.Values.Count));
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Null(pages[2].ContinuationToken);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"case-a/doc{i}.txt"), items.Select(b => b.Name));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long?)i), items.Select(b => b.Properties.ContentLength));
        Assert.All(items, b => Assert.Equal("text/plain", b.Properties.ContentType));
        var doc3 = container.GetBlobClient("case-a/doc3.txt");
        var properties = (await doc3.GetPropertiesAsync()).Value;
        Assert.Equal(properties.ETag, items[3].Properties.ETag);
        Assert.Equal(properties.LastModified, items[3].Properties.LastModified);
        // A listed ETag works as a condition as it stands.
        Assert.Equal(202, (await doc3.DeleteAsync(new BlobRequestConditions { IfMatch = items[3].Properties.ETag })).Status);
        Assert.Equal(8, await CountAsync(container.GetBlobsAsync()) + 1);
    }

    private static async Task<int> CountAsync(AsyncPageable<BlobItem> items)
    {
        var n = 0;
        await foreach (var _ in items)
        {
            n++;
        }

        return n;
    }

    [Fact]
    public async Task Delete_with_a_stale_If_Match_fails_with_412_and_keeps_the_blob()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("doc.txt");
        var stale = (await blob.UploadAsync(new MemoryStream([1]))).Value.ETag;
        var current = (await blob.UploadAsync(new MemoryStream([2]))).Value.ETag;

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DeleteAsync(new BlobRequestConditions { IfMatch = stale }));

        Assert.Equal(412, e.Status);
        Assert.Equal("ConditionNotMet", e.ErrorCode);
        Assert.True((await blob.ExistsAsync()).Value);
        Assert.Equal(202, (await blob.DeleteAsync(new BlobRequestConditions { IfMatch = current })).Status);
        Assert.False((await blob.ExistsAsync()).Value);
        Assert.False((await blob.DeleteIfExistsAsync()).Value);
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync());
        Assert.Equal(404, missing.Status);
        Assert.Equal("BlobNotFound", missing.ErrorCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upload_with_IfNoneMatch_All_onto_an_existing_blob_fails_with_409_BlobAlreadyExists(bool inBlocks)
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("once.txt");
        var onlyIfNew = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            TransferOptions = inBlocks ? TinyBlocks.TransferOptions : new BlobTransferOptions(),
        };

        await blob.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("first")), onlyIfNew);
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(new MemoryStream(new byte[3000]), onlyIfNew));

        Assert.Equal(409, e.Status);
        Assert.Equal("BlobAlreadyExists", e.ErrorCode);
        Assert.Equal("first", Encoding.UTF8.GetString(await DownloadAsync(blob)));
    }

    [Fact]
    public async Task Write_only_SAS_URL_can_upload_but_not_read_and_only_its_own_blob()
    {
        var container = await NewContainerAsync();
        var owner = container.GetBlobClient("uploads/照片 1.jpg");
        Assert.True(owner.CanGenerateSasUri);
        var sasUri = owner.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(10));
        var content = GeneratedStream.Bytes(5000, seed: 5);

        var holder = new BlobClient(sasUri);
        await holder.UploadAsync(new MemoryStream(content), TinyBlocks);

        Assert.Equal(owner.Name, holder.Name);
        Assert.Equal(container.Name, holder.BlobContainerName);
        Assert.False(holder.CanGenerateSasUri);
        Assert.Equal(5, (await owner.GetBlockListAsync()).Value.CommittedBlocks.Count);
        Assert.Equal(content, await DownloadAsync(owner));
        var read = await Assert.ThrowsAsync<RequestFailedException>(() => holder.DownloadStreamingAsync());
        Assert.Equal(403, read.Status);
        var otherBlob = new BlobClient(new Uri(container.GetBlobClient("uploads/other.jpg").Uri + sasUri.Query));
        var other = await Assert.ThrowsAsync<RequestFailedException>(() => otherBlob.UploadAsync(new MemoryStream([1])));
        Assert.Equal(403, other.Status);
    }

    [Fact]
    public async Task Read_SAS_URL_downloads_and_an_expired_SAS_is_refused()
    {
        var container = await NewContainerAsync();
        var owner = container.GetBlobClient("report.pdf");
        await owner.UploadAsync(new MemoryStream([1, 2, 3]));

        var reader = new BlobClient(owner.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(10)));
        var expired = new BlobClient(owner.GenerateSasUri(BlobSasPermissions.Read | BlobSasPermissions.Write, DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Equal([1, 2, 3], await DownloadAsync(reader));
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => expired.DownloadStreamingAsync());
        Assert.Equal(403, e.Status);
        var write = await Assert.ThrowsAsync<RequestFailedException>(() => expired.UploadAsync(new MemoryStream([9])));
        Assert.Equal(403, write.Status);
        Assert.Equal([1, 2, 3], await DownloadAsync(owner));
    }

    [Fact]
    public async Task Service_client_reads_properties_and_hands_out_working_container_clients()
    {
        var service = new BlobServiceClient(fixture.ConnectionString);
        var name = AzuriteFixture.UniqueName("c");

        var properties = await service.GetPropertiesAsync();
        var container = service.GetBlobContainerClient(name);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("a.txt").UploadAsync(new MemoryStream([7]));

        Assert.Equal(200, properties.Status);
        Assert.Equal(name, container.Name);
        Assert.Equal([7], await DownloadAsync(new BlobClient(fixture.ConnectionString, name, "a.txt")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => service.GetUserDelegationKeyAsync(null, DateTimeOffset.UtcNow.AddHours(1)));
    }

    /// <summary>Calls back each time a Put Block goes out.</summary>
    private sealed class OnBlockPolicy(Action onBlock) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal))
            {
                onBlock();
            }
        }
    }
}
