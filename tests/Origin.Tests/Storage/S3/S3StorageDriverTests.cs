using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.S3;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>The shared driver suite against s3rver, plus what only S3 has: parts, partial records, keys, pages, presigned URLs.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3StorageDriverTests(S3rverFixture s3rver) : StorageDriverConformanceTests
{
    private const int MiB = 1024 * 1024;

    // One root per test: every driver the test makes (the suite may make several when its first use is
    // concurrent) sees the same keys, and no other test's.
    private readonly string root = "/test-" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Name_Always_IsS3()
    {
        Assert.Equal("s3", Driver.Name);
    }

    [Fact]
    public async Task PutContentAsync_AnyPath_KeyIsRootDirectoryAndPathAsOnTheFilesystem()
    {
        var options = s3rver.Options(rootDirectory: "/registry-" + Guid.NewGuid().ToString("N") + "/");
        var driver = S3rverFixture.CreateDriver(options);
        var content = Pattern(100, seed: 1);
        var digest = DigestHasher.Compute(content);

        await driver.PutContentAsync(StoragePaths.BlobData(digest), content, CancellationToken.None);

        using var raw = RawClient();
        using var response = await raw.GetObjectAsync(S3rverFixture.Bucket, $"{options.RootDirectory.Trim('/')}/docker/registry/v2/blobs/sha256/{digest.Hex[..2]}/{digest.Hex}/data");
        Assert.Equal(content, await ReadAllAsync(response.ResponseStream));
    }

    [Fact]
    public async Task WriterAsync_OneWriterOfSeveralChunks_UploadsPartsAndNothingIsVisibleBeforeCommit()
    {
        await using var proxy = await S3FaultProxy.StartAsync(s3rver.Server.Endpoint);
        var driver = S3rverFixture.CreateDriver(s3rver.Options(endpoint: proxy.Endpoint));
        var content = Pattern((12 * MiB) + 7, seed: 5);
        const string path = "/repositories/r/_uploads/u1/data";

        await using (var writer = await driver.WriterAsync(path, append: false, CancellationToken.None))
        {
            for (var offset = 0; offset < content.Length; offset += 1_000_003)
            {
                await writer.WriteAsync(content.AsMemory(offset, Math.Min(1_000_003, content.Length - offset)), CancellationToken.None);
            }

            await Assert.ThrowsAsync<StoragePathNotFoundException>(() => driver.GetContentAsync(path, CancellationToken.None));
            await Assert.ThrowsAsync<StoragePathNotFoundException>(() => driver.StatAsync(path, CancellationToken.None));
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await driver.GetContentAsync(path, CancellationToken.None)));
        var parts = proxy.Requests.Where(request => request.StartsWith("PUT ", StringComparison.Ordinal) && request.Contains("partNumber=", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, parts.Count);
        Assert.Equal(["1", "2", "3"], parts.Select(request => request.Split("partNumber=")[1].Split('&')[0]).Order());
        Assert.Single(proxy.Requests, request => request.StartsWith("POST ", StringComparison.Ordinal) && request.Contains("uploadId=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriterAsync_PatchesAlternateBetweenTwoDrivers_FileIsTheirConcatenation()
    {
        // Two origin replicas: separate clients, one bucket and root, no state shared but S3.
        var options = s3rver.Options();
        var replicas = new[] { S3rverFixture.CreateDriver(options), S3rverFixture.CreateDriver(options) };
        var patches = new[] { Pattern(3 * MiB, seed: 1), Pattern(4 * MiB, seed: 2), Pattern(1, seed: 3), Pattern((6 * MiB) + 5, seed: 4), Pattern(10, seed: 5) };
        const string path = "/repositories/r/_uploads/u2/data";
        await using (var start = await replicas[1].WriterAsync(path, append: false, CancellationToken.None))
        {
            await start.CommitAsync(CancellationToken.None);
        }

        long size = 0;
        for (var i = 0; i < patches.Length; i++)
        {
            var driver = replicas[i % 2];
            await using var writer = await driver.WriterAsync(path, append: true, CancellationToken.None);
            Assert.Equal(size, writer.Size);
            await writer.WriteAsync(patches[i], CancellationToken.None);
            size += patches[i].Length;
            if (i == patches.Length - 1)
            {
                await writer.CommitAsync(CancellationToken.None);
            }
        }

        var expected = patches.SelectMany(patch => patch).ToArray();
        Assert.Equal(size, (await replicas[0].StatAsync(path, CancellationToken.None)).Size);
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(await replicas[0].GetContentAsync(path, CancellationToken.None)));
        Assert.Equal([path], await replicas[1].ListAsync("/repositories/r/_uploads/u2", CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_FileIsStatedListedAndWalkedButNotReadable()
    {
        const string path = "/uploads/u3/data";
        await using (var writer = await Driver.WriterAsync(path, append: false, CancellationToken.None))
        {
            await writer.WriteAsync(Pattern((5 * MiB) + 3, seed: 1), CancellationToken.None);
        }

        var info = await Driver.StatAsync(path, CancellationToken.None);
        var walked = new List<StorageFileInfo>();
        await foreach (var file in Driver.WalkAsync("/uploads", CancellationToken.None))
        {
            walked.Add(file);
        }

        Assert.Equal((5 * MiB) + 3, info.Size);
        Assert.False(info.IsDirectory);
        Assert.Equal([path], await Driver.ListAsync("/uploads/u3", CancellationToken.None));
        Assert.Equal([(path, (5L * MiB) + 3)], walked.Select(file => (file.Path, file.Size)));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync(path, CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ReaderAsync(path, 0, CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.MoveAsync(path, "/blobs/x/data", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_DirectoryWithPartialFile_RemovesEverything()
    {
        await Driver.PutContentAsync("/uploads/u4/startedat", "x"u8.ToArray(), CancellationToken.None);
        await using (var writer = await Driver.WriterAsync("/uploads/u4/data", append: false, CancellationToken.None))
        {
            await writer.WriteAsync(Pattern(100, seed: 1), CancellationToken.None);
        }

        await Driver.DeleteAsync("/uploads/u4", CancellationToken.None);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/uploads/u4/data", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/uploads/u4", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.WriterAsync("/uploads/u4/data", append: true, CancellationToken.None));
    }

    [Fact]
    public async Task ListWalkDelete_ManyKeysOverSmallPages_SeeEveryKey()
    {
        var driver = S3rverFixture.CreateDriver(s3rver.Options(), listPageSize: 5);
        var files = Enumerable.Range(0, 23).Select(i => $"/many/f{i:D2}")
            .Concat(Enumerable.Range(0, 4).SelectMany(d => Enumerable.Range(0, 7).Select(i => $"/many/d{d}/sub/f{i}")))
            .ToList();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (path, token) =>
            await driver.PutContentAsync(path, "x"u8.ToArray(), token));

        var listed = await driver.ListAsync("/many", CancellationToken.None);
        var walked = new List<string>();
        await foreach (var file in driver.WalkAsync("/many", CancellationToken.None))
        {
            walked.Add(file.Path);
        }

        await driver.DeleteAsync("/many", CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 4).Select(d => $"/many/d{d}").Concat(Enumerable.Range(0, 23).Select(i => $"/many/f{i:D2}")).Order(StringComparer.Ordinal), listed);
        Assert.Equal(files.Order(StringComparer.Ordinal), walked.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => driver.ListAsync("/many", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_MoreKeysThanOneS3Page_ReturnsEveryChild()
    {
        var driver = Driver;
        var names = Enumerable.Range(0, 1030).Select(i => $"/repositories/big/_layers/sha256/{i:D4}/link").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (path, token) =>
            await driver.PutContentAsync(path, "x"u8.ToArray(), token));

        var listed = await driver.ListAsync("/repositories/big/_layers/sha256", CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 1030).Select(i => $"/repositories/big/_layers/sha256/{i:D4}"), listed);
    }

    [Fact]
    public async Task RedirectUrlAsync_Get_PresignedUrlServesTheExactBytes()
    {
        var content = Pattern(70_000, seed: 9);
        await Driver.PutContentAsync("/blobs/sha256/ab/abcd/data", content, CancellationToken.None);

        var url = await Driver.RedirectUrlAsync("/blobs/sha256/ab/abcd/data", "GET", CancellationToken.None);

        Assert.NotNull(url);
        // 20 minutes, as the SDK rounds it against its own clock.
        var expires = int.Parse(System.Web.HttpUtility.ParseQueryString(url.Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, 1170, 1230);
        using var http = new HttpClient();
        Assert.Equal(content, await http.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task RedirectUrlAsync_OtherThanGetOrHead_ReturnsNull()
    {
        Assert.Null(await Driver.RedirectUrlAsync("/blobs/data", "PUT", CancellationToken.None));
        Assert.Null(await Driver.RedirectUrlAsync("/blobs/data", "DELETE", CancellationToken.None));
    }

    [Fact]
    public async Task EveryOperation_PartialRecordComponent_ThrowsInvalidPath()
    {
        const string path = "/dir/.partial.data";

        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.PutContentAsync(path, "x"u8.ToArray(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.StatAsync(path, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.WriterAsync(path, append: true, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.ListAsync("/.partial.x/dir", CancellationToken.None));
    }

    protected override IStorageDriver CreateDriver() => S3rverFixture.CreateDriver(s3rver.Options(rootDirectory: root));

    private AmazonS3Client RawClient() =>
        new(new Amazon.Runtime.BasicAWSCredentials(S3rverServer.AccessKey, S3rverServer.SecretKey), new AmazonS3Config
        {
            ServiceURL = s3rver.Server.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            ForcePathStyle = true,
        });
}
