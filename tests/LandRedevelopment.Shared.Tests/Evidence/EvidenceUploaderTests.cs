using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using LandRedevelopment.Evidence;
using LandRedevelopment.Shared.Tests.Storage.Blobs;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Testing;
using static LandRedevelopment.Shared.Tests.Evidence.EvidenceTestData;

namespace LandRedevelopment.Shared.Tests.Evidence;

/// <summary>The evidence uploader and verifier against a real Azurite: one fresh container per test.</summary>
public class EvidenceUploaderTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
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

    private static async Task AssertNoBlobAsync(BlobContainerClient container, BlobClient blob)
    {
        Assert.False((await blob.ExistsAsync()).Value);
        await foreach (var item in container.GetBlobsAsync())
        {
            Assert.Fail($"{item.Name} was stored");
        }
    }

    [Fact]
    public async Task A_good_upload_commits_the_bytes_with_the_declared_type_and_its_sha256()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("surveys/s1/现场照片-01.jpg");
        var content = File(JpegStart, 300_000);
        var declared = Declare(content, "image/jpeg");

        var result = await EvidenceUploader.UploadAsync(blob, declared, new CountingStream(content));

        Assert.True(result.Verdict.IsOk, result.Verdict.Message);
        Assert.Equal(EvidenceVerdictKind.Ok, result.Verdict.Kind);
        Assert.Null(result.Verdict.Rule);
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(content, await DownloadAsync(blob));
        Assert.Equal(result.ETag, properties.ETag);
        Assert.Equal(content.Length, result.Size);
        Assert.Equal(content.Length, properties.ContentLength);
        Assert.Equal("image/jpeg", properties.ContentType);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), properties.Metadata[EvidenceUploader.Sha256MetadataName]);
        // Smaller than a block: one Put Blob, no block list.
        Assert.Empty((await blob.GetBlockListAsync()).Value.CommittedBlocks);
    }

    [Fact]
    public async Task A_file_of_exactly_one_block_is_staged_and_committed_only_once_known_good()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("one-block.jpg");
        var content = File(JpegStart, 1024);
        var longer = File(JpegStart, 1025);

        var rejected = await EvidenceUploader.UploadAsync(blob, Declare(content, "image/jpeg"), new CountingStream(longer), blockSize: 1024, CancellationToken.None);
        Assert.False(rejected.Verdict.IsOk);
        await AssertNoBlobAsync(container, blob);
        var result = await EvidenceUploader.UploadAsync(blob, Declare(content, "image/jpeg"), new CountingStream(content), blockSize: 1024, CancellationToken.None);

        Assert.True(result.Verdict.IsOk, result.Verdict.Message);
        Assert.Single((await blob.GetBlockListAsync()).Value.CommittedBlocks);
        Assert.Equal(content, await DownloadAsync(blob));
        Assert.Equal(result.ETag, (await blob.GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task A_file_of_several_blocks_is_committed_in_order_and_an_upper_case_declared_hash_is_fine()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("plan.pdf");
        var content = File("%PDF-1.7\n"u8.ToArray(), 10 * 1024 + 17);
        var declared = Declare(content, "application/pdf");
        declared = declared with { Sha256Hex = declared.Sha256Hex.ToUpperInvariant() };

        var result = await EvidenceUploader.UploadAsync(blob, declared, new CountingStream(content, maxRead: 700), blockSize: 1024, CancellationToken.None);

        Assert.True(result.Verdict.IsOk, result.Verdict.Message);
        var blocks = (await blob.GetBlockListAsync()).Value.CommittedBlocks;
        Assert.Equal(11, blocks.Count);
        Assert.All(blocks.Take(10), b => Assert.Equal(1024, b.Size));
        Assert.Equal(17, blocks[10].Size);
        Assert.Equal(content, await DownloadAsync(blob));
        Assert.Equal(declared.Sha256Hex.ToLowerInvariant(), (await blob.GetPropertiesAsync()).Value.Metadata["sha256"]);
    }

    [Theory]
    [InlineData(1024)] // staged blocks, never committed
    [InlineData(EvidenceUploader.BlockSize)] // one buffer, never put
    public async Task A_wrong_hash_is_rejected_with_the_actual_hash_and_stores_nothing(int blockSize)
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("a.jpg");
        var content = File(JpegStart, 5000);
        var declared = Declare(content, "image/jpeg") with { Sha256Hex = new string('0', 64) };

        var result = await EvidenceUploader.UploadAsync(blob, declared, new CountingStream(content), blockSize, CancellationToken.None);

        Assert.Equal(EvidenceVerdictKind.HashMismatch, result.Verdict.Kind);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), result.Verdict.ActualSha256Hex);
        Assert.StartsWith("evidence.sha256: declared SHA-256 0000", result.Verdict.Message, StringComparison.Ordinal);
        Assert.Null(result.ETag);
        Assert.Null(result.Size);
        await AssertNoBlobAsync(container, blob);
    }

    [Fact]
    public async Task A_shorter_file_is_rejected_with_its_size_and_stores_nothing()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("a.jpg");
        var content = File(JpegStart, 5000);
        var declared = Declare(content, "image/jpeg");

        var result = await EvidenceUploader.UploadAsync(blob, declared, new CountingStream(content[..4000]), blockSize: 1024, CancellationToken.None);

        Assert.Equal(EvidenceVerdictKind.SizeMismatch, result.Verdict.Kind);
        Assert.Equal(4000, result.Verdict.ActualSize);
        Assert.False(result.Verdict.SizeExceeded);
        Assert.Equal("evidence.size: declared 5000 bytes but the file has 4000.", result.Verdict.Message);
        await AssertNoBlobAsync(container, blob);
    }

    [Fact]
    public async Task A_longer_file_is_rejected_after_reading_one_byte_past_the_declared_size_and_stores_nothing()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("big.bin");
        const int declaredSize = 100_000;
        var source = new GeneratedStream(50L * 1024 * 1024, seed: 7);
        var declared = new DeclaredFile("big.bin", new string('a', 64), declaredSize, "application/octet-stream");

        var result = await EvidenceUploader.UploadAsync(blob, declared, source, blockSize: 16 * 1024, CancellationToken.None);

        Assert.Equal(EvidenceVerdictKind.SizeMismatch, result.Verdict.Kind);
        Assert.True(result.Verdict.SizeExceeded);
        Assert.Equal(declaredSize + 1, result.Verdict.ActualSize);
        Assert.Equal(declaredSize + 1, source.Produced);
        Assert.Equal("evidence.size: declared 100000 bytes but the file is longer; reading stopped after 100001.", result.Verdict.Message);
        await AssertNoBlobAsync(container, blob);
    }

    [Fact]
    public async Task A_png_declared_as_jpeg_is_rejected_from_its_first_bytes_and_stores_nothing()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("photo.jpg");
        var content = File(PngStart, 2 * 1024 * 1024);
        var declared = Declare(content, "image/jpeg");
        var body = new CountingStream(content);

        var result = await EvidenceUploader.UploadAsync(blob, declared, body);

        Assert.Equal(EvidenceVerdictKind.ContentTypeMismatch, result.Verdict.Kind);
        Assert.Equal("image/png", result.Verdict.LooksLike);
        Assert.Equal("evidence.content-type: declared image/jpeg but the file starts like image/png.", result.Verdict.Message);
        Assert.True(body.Produced < content.Length, $"read {body.Produced} of {content.Length} bytes");
        await AssertNoBlobAsync(container, blob);
    }

    [Fact]
    public async Task A_short_file_that_starts_like_no_known_type_is_a_mismatch_for_a_declared_pdf()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("notes.pdf");
        var content = "just text"u8.ToArray();

        var result = await EvidenceUploader.UploadAsync(blob, Declare(content, "application/pdf"), new CountingStream(content));

        Assert.Equal(EvidenceVerdictKind.ContentTypeMismatch, result.Verdict.Kind);
        Assert.Null(result.Verdict.LooksLike);
        Assert.Equal("evidence.content-type: declared application/pdf but the file does not start like one.", result.Verdict.Message);
        await AssertNoBlobAsync(container, blob);
    }

    [Fact]
    public async Task An_empty_file_is_rejected_and_stores_nothing()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("empty.jpg");
        var declared = new DeclaredFile("empty.jpg", Convert.ToHexStringLower(SHA256.HashData([])), 0, "image/jpeg");

        var result = await EvidenceUploader.UploadAsync(blob, declared, new CountingStream([]));
        var declaredNonEmpty = await EvidenceUploader.UploadAsync(blob, declared with { Size = 10 }, new CountingStream([]));

        Assert.Equal(EvidenceVerdictKind.Empty, result.Verdict.Kind);
        Assert.Equal(EvidenceVerdictKind.Empty, declaredNonEmpty.Verdict.Kind);
        Assert.StartsWith("evidence.not-empty: ", result.Verdict.Message, StringComparison.Ordinal);
        await AssertNoBlobAsync(container, blob);
    }

    [Fact]
    public async Task A_rejected_upload_onto_a_stored_file_leaves_the_stored_file_as_it_was()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("a.jpg");
        var good = File(JpegStart, 5000, seed: 1);
        var first = await EvidenceUploader.UploadAsync(blob, Declare(good, "image/jpeg"), new CountingStream(good));
        var other = File(JpegStart, 5000, seed: 2);

        var second = await EvidenceUploader.UploadAsync(blob, Declare(good, "image/jpeg"), new CountingStream(other), blockSize: 1024, CancellationToken.None);

        Assert.Equal(EvidenceVerdictKind.HashMismatch, second.Verdict.Kind);
        Assert.Equal(good, await DownloadAsync(blob));
        Assert.Equal(first.ETag, (await blob.GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Twenty_megabytes_from_a_non_seekable_stream_go_up_in_blocks_with_at_most_two_blocks_read_ahead()
    {
        const long length = 20L * 1024 * 1024 + 321;
        var expected = GeneratedStream.Bytes(length, seed: 21);
        var declared = new DeclaredFile("scan.bin", Convert.ToHexStringLower(SHA256.HashData(expected)), length, "application/octet-stream");
        var source = new GeneratedStream(length, seed: 21);
        var readWhenStaged = new List<long>();
        var options = new BlobClientOptions();
        options.AddPolicy(new OnBlockPolicy(() =>
        {
            lock (readWhenStaged)
            {
                readWhenStaged.Add(source.Produced);
            }
        }), HttpPipelinePosition.PerCall);
        var container = await NewContainerAsync(options);
        var blob = container.GetBlobClient("scan.bin");

        var result = await EvidenceUploader.UploadAsync(blob, declared, source);

        Assert.True(result.Verdict.IsOk, result.Verdict.Message);
        var committed = (await blob.GetBlockListAsync()).Value.CommittedBlocks;
        Assert.Equal(6, committed.Count);
        Assert.All(committed.Take(5), b => Assert.Equal(EvidenceUploader.BlockSize, b.Size));
        Assert.Equal(6, readWhenStaged.Count);
        for (var i = 0; i < readWhenStaged.Count; i++)
        {
            // Block i goes out once it is full, while at most the next block is being read into the other buffer.
            Assert.True(readWhenStaged[i] <= (i + 2L) * EvidenceUploader.BlockSize, $"block {i} went out after {readWhenStaged[i]} bytes had been read");
        }

        using var download = (await blob.DownloadStreamingAsync()).Value;
        Assert.Equal(length, download.Details.ContentLength);
        Assert.Equal(result.ETag, download.Details.ETag);
        Assert.Equal(SHA256.HashData(expected), await SHA256.HashDataAsync(download.Content));
    }

    [Fact]
    public async Task A_storage_failure_while_staging_throws_and_commits_nothing()
    {
        var container = await NewContainerAsync();
        var owner = container.GetBlobClient("a.jpg");
        var readOnly = new BlobClient(owner.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(10)));
        var content = File(JpegStart, 5000);

        var e = await Assert.ThrowsAsync<Azure.RequestFailedException>(() =>
            EvidenceUploader.UploadAsync(readOnly, Declare(content, "image/jpeg"), new CountingStream(content), blockSize: 1024, CancellationToken.None));

        Assert.Equal(403, e.Status);
        await AssertNoBlobAsync(container, owner);
    }

    [Fact]
    public async Task HashAsync_tells_an_identical_repeat_from_different_bytes_without_storing()
    {
        var content = File(JpegStart, 200_000, seed: 3);
        var declared = Declare(content, "image/jpeg");
        var different = (byte[])content.Clone();
        different[150_000] ^= 1;
        var longer = new CountingStream([.. content, .. new byte[1_000_000]]);

        Assert.True((await EvidenceUploader.HashAsync(new CountingStream(content), declared)).IsOk);
        var verdict = await EvidenceUploader.HashAsync(new CountingStream(different), declared);
        Assert.Equal(EvidenceVerdictKind.HashMismatch, verdict.Kind);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(different)), verdict.ActualSha256Hex);
        Assert.Equal(EvidenceVerdictKind.SizeMismatch, (await EvidenceUploader.HashAsync(longer, declared)).Kind);
        Assert.Equal(content.Length + 1, longer.Produced);
    }

    [Fact]
    public async Task VerifyStoredAsync_accepts_a_good_direct_upload_and_returns_its_ETag()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("direct.png");
        var content = File(PngStart, 700_000, seed: 4);
        var info = (await blob.UploadAsync(new MemoryStream(content), new BlobUploadOptions { ContentType = "image/png" })).Value;

        var result = await EvidenceVerifier.VerifyStoredAsync(blob, Declare(content, "image/png"));

        Assert.True(result.Verdict.IsOk, result.Verdict.Message);
        Assert.Equal(info.ETag, result.ETag);
    }

    [Fact]
    public async Task VerifyStoredAsync_finds_tampered_resized_mistyped_and_empty_blobs()
    {
        var container = await NewContainerAsync();
        var content = File(JpegStart, 100_000, seed: 5);
        var declared = Declare(content, "image/jpeg");
        var tampered = (byte[])content.Clone();
        tampered[^1] ^= 0xFF;
        var png = File(PngStart, 100_000, seed: 5);

        async Task<EvidenceStoredResult> VerifyAsync(byte[] stored)
        {
            var blob = container.GetBlobClient(Guid.NewGuid().ToString("N") + ".jpg");
            var info = (await blob.UploadAsync(new MemoryStream(stored))).Value;
            var result = await EvidenceVerifier.VerifyStoredAsync(blob, declared);
            Assert.Equal(info.ETag, result.ETag);
            return result;
        }

        var hash = (await VerifyAsync(tampered)).Verdict;
        var shorter = (await VerifyAsync(content[..99_999])).Verdict;
        var longer = (await VerifyAsync([.. content, 0])).Verdict;
        var mistyped = (await VerifyAsync(png)).Verdict;
        var empty = (await VerifyAsync([])).Verdict;

        Assert.Equal(EvidenceVerdictKind.HashMismatch, hash.Kind);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(tampered)), hash.ActualSha256Hex);
        Assert.Equal((EvidenceVerdictKind.SizeMismatch, 99_999L, false), (shorter.Kind, shorter.ActualSize!.Value, shorter.SizeExceeded));
        Assert.Equal((EvidenceVerdictKind.SizeMismatch, 100_001L, false), (longer.Kind, longer.ActualSize!.Value, longer.SizeExceeded));
        Assert.Equal("evidence.size: declared 100000 bytes but the file has 100001.", longer.Message);
        Assert.Equal((EvidenceVerdictKind.ContentTypeMismatch, "image/png"), (mistyped.Kind, mistyped.LooksLike));
        Assert.Equal(EvidenceVerdictKind.Empty, empty.Kind);
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
