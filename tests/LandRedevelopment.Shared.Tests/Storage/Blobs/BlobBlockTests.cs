using System.Text;
using Azure;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Storage.Blobs;

/// <summary>Put Block and Put Block List as public calls, against a real Azurite.</summary>
public class BlobBlockTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobContainerClient(fixture.ConnectionString, AzuriteFixture.UniqueName("c"));
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

    private static async Task<List<string>> ListAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            names.Add(item.Name);
        }

        return names;
    }

    [Fact]
    public async Task Staged_blocks_are_not_a_blob_until_the_block_list_is_committed()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("evidence/现场照片-01.jpg");
        var upload = Guid.NewGuid();
        var ids = new[] { BlobClient.NewBlockId(upload, 0), BlobClient.NewBlockId(upload, 1) };

        var staged = (await blob.StageBlockAsync(ids[0], Encoding.UTF8.GetBytes("first half, "))).Value;
        await blob.StageBlockAsync(ids[1], Encoding.UTF8.GetBytes("second half"));

        Assert.NotNull(staged);
        Assert.False((await blob.ExistsAsync()).Value);
        Assert.Empty(await ListAsync(container));

        var info = (await blob.CommitBlockListAsync(ids, new BlobUploadOptions
        {
            ContentType = "image/jpeg",
            Metadata = new Dictionary<string, string> { ["sha256"] = "abc" },
        })).Value;

        var properties = (await blob.GetPropertiesAsync()).Value;
        var blocks = (await blob.GetBlockListAsync()).Value;
        Assert.True((await blob.ExistsAsync()).Value);
        Assert.Equal(["evidence/现场照片-01.jpg"], await ListAsync(container));
        Assert.Equal("first half, second half", Encoding.UTF8.GetString(await DownloadAsync(blob)));
        Assert.Equal(info.ETag, properties.ETag);
        Assert.Equal("image/jpeg", properties.ContentType);
        Assert.Equal("abc", properties.Metadata["sha256"]);
        Assert.Equal(ids, blocks.CommittedBlocks.Select(b => b.Name));
        Assert.Empty(blocks.UncommittedBlocks);
    }

    [Fact]
    public async Task Commit_keeps_only_the_blocks_it_names_in_its_order_and_leaves_an_existing_blob_alone_until_then()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("doc.txt");
        await blob.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("old")));
        var upload = Guid.NewGuid();
        var ids = Enumerable.Range(0, 3).Select(i => BlobClient.NewBlockId(upload, i)).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            await blob.StageBlockAsync(ids[i], Encoding.UTF8.GetBytes($"<{i}>"));
        }

        Assert.Equal("old", Encoding.UTF8.GetString(await DownloadAsync(blob)));

        await blob.CommitBlockListAsync([ids[2], ids[0]]);

        Assert.Equal("<2><0>", Encoding.UTF8.GetString(await DownloadAsync(blob)));
        Assert.Empty((await blob.GetBlockListAsync()).Value.UncommittedBlocks);
    }

    [Fact]
    public async Task Committing_a_block_that_was_never_staged_fails_with_InvalidBlockList()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("never.bin");

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => blob.CommitBlockListAsync([BlobClient.NewBlockId(Guid.NewGuid(), 0)]));

        Assert.Equal(400, e.Status);
        Assert.Equal("InvalidBlockList", e.ErrorCode);
        Assert.False((await blob.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Commit_with_IfNoneMatch_All_onto_an_existing_blob_fails_with_409()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("once.txt");
        await blob.UploadAsync(new MemoryStream([1]));
        var id = BlobClient.NewBlockId(Guid.NewGuid(), 0);
        await blob.StageBlockAsync(id, new byte[] { 2 });

        var e = await Assert.ThrowsAsync<RequestFailedException>(() =>
            blob.CommitBlockListAsync([id], new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));

        Assert.Equal(409, e.Status);
        Assert.Equal([1], await DownloadAsync(blob));
    }

    [Fact]
    public void Block_IDs_of_one_upload_have_one_length_and_differ_between_uploads()
    {
        var upload = Guid.NewGuid();
        var ids = new[] { 0, 1, 9999, BlobClient.MaxBlocks - 1 }.Select(i => BlobClient.NewBlockId(upload, i)).ToList();

        Assert.Single(ids.Select(id => id.Length).Distinct());
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.NotEqual(ids[0], BlobClient.NewBlockId(Guid.NewGuid(), 0));
        Assert.All(ids, id => Assert.Equal(20, Convert.FromBase64String(id).Length));
    }
}
