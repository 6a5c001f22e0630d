using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.Filesystem;

namespace EdgeRegistry.Origin.Tests.Storage.Filesystem;

public sealed class FilesystemStorageDriverTests : StorageDriverConformanceTests, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "edgeregistry-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Constructor_MissingRoot_CreatesIt()
    {
        var nested = Path.Combine(root, "a", "b");

        var driver = new FilesystemStorageDriver(nested);

        Assert.True(Directory.Exists(nested));
        Assert.Equal(nested, driver.RootDirectory);
        Assert.Equal("filesystem", driver.Name);
    }

    [Fact]
    public async Task PutContentAsync_BlobDataPath_LandsWhereRegistry2KeepsIt()
    {
        var content = Pattern(100, seed: 1);
        var digest = DigestHasher.Compute(content);

        await Driver.PutContentAsync(StoragePaths.BlobData(digest), content, CancellationToken.None);

        var local = Path.Combine(root, "docker", "registry", "v2", "blobs", "sha256", digest.Hex[..2], digest.Hex, "data");
        Assert.Equal(content, await File.ReadAllBytesAsync(local));
        Assert.Equal(local, ((ILocalFileStorage)Driver).GetLocalPath(StoragePaths.BlobData(digest)));
    }

    [Fact]
    public async Task GetContentAsync_FileWrittenOutsideDriver_ReadsIt()
    {
        // An existing registry:2 tree is used in place.
        var link = Path.Combine(root, "docker", "registry", "v2", "repositories", "library", "busybox", "_manifests", "tags", "latest", "current", "link");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        await File.WriteAllTextAsync(link, "sha256:" + new string('a', 64));

        var content = await Driver.GetContentAsync(StoragePaths.TagCurrentLink("library/busybox", "latest"), CancellationToken.None);

        Assert.Equal("sha256:" + new string('a', 64), System.Text.Encoding.ASCII.GetString(content));
    }

    [Fact]
    public async Task ListAndWalk_TemporaryFiles_AreHidden()
    {
        await Driver.PutContentAsync("/dir/file", "x"u8.ToArray(), CancellationToken.None);
        var leftover = Path.Combine(root, "dir", ".tmp-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(leftover, "partial");
        Directory.CreateDirectory(Path.Combine(root, "dir", ".tmp-" + Guid.NewGuid().ToString("N")));

        var listed = await Driver.ListAsync("/dir", CancellationToken.None);
        var walked = new List<string>();
        await foreach (var info in Driver.WalkAsync("/", CancellationToken.None))
        {
            walked.Add(info.Path);
        }

        Assert.Equal(["/dir/file"], listed);
        Assert.Equal(["/dir/file"], walked);
    }

    [Fact]
    public async Task EveryOperation_TemporaryFileComponent_ThrowsInvalidPath()
    {
        var path = "/dir/.tmp-" + Guid.NewGuid().ToString("N");

        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.PutContentAsync(path, "x"u8.ToArray(), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.StatAsync(path, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.ListAsync(path, CancellationToken.None));
        Assert.Throws<InvalidStoragePathException>(() => ((ILocalFileStorage)Driver).GetLocalPath(path + "/data"));
    }

    [Fact]
    public async Task PutContentAsync_AfterwardsDirectory_HoldsNoTemporaryFile()
    {
        await Driver.PutContentAsync("/dir/file", Pattern(10, seed: 1), CancellationToken.None);
        await Driver.PutContentAsync("/dir/file", Pattern(20, seed: 2), CancellationToken.None);

        Assert.Equal(["file"], Directory.GetFileSystemEntries(Path.Combine(root, "dir")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task DeleteAsync_Directory_GoneAtOnceAndFromDiskOnceRemovalsEnd()
    {
        await Driver.PutContentAsync("/dir/sub/file", Pattern(10, seed: 1), CancellationToken.None);

        await Driver.DeleteAsync("/dir/sub", CancellationToken.None);

        // At once: the path is gone for every caller, the renamed tree hidden from listings.
        Assert.False(Directory.Exists(Path.Combine(root, "dir", "sub")));
        Assert.Empty(await Driver.ListAsync("/dir", CancellationToken.None));
        // The files go in the background; disposing the driver waits for them.
        await ((IAsyncDisposable)Driver).DisposeAsync();
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, "dir")));
    }

    [Fact]
    public async Task SweepTemporaries_OldLeftoversBelowPath_RemovedAndTheRestKept()
    {
        await Driver.PutContentAsync("/docker/registry/v2/repositories/a/b/_uploads/live/data", Pattern(10, seed: 1), CancellationToken.None);
        var uploads = Path.Combine(root, "docker", "registry", "v2", "repositories", "a", "b", "_uploads");
        var oldTree = Path.Combine(uploads, ".tmp-" + Guid.NewGuid().ToString("N"));
        var youngTree = Path.Combine(uploads, ".tmp-" + Guid.NewGuid().ToString("N"));
        var oldFile = Path.Combine(uploads, ".tmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(oldTree, "inner"));
        await File.WriteAllTextAsync(Path.Combine(oldTree, "inner", "data"), "left by a crash");
        Directory.CreateDirectory(youngTree);
        await File.WriteAllTextAsync(oldFile, "x");
        Directory.SetLastWriteTimeUtc(oldTree, DateTime.UtcNow.AddDays(-8));
        File.SetLastWriteTimeUtc(oldFile, DateTime.UtcNow.AddDays(-8));

        var removed = ((FilesystemStorageDriver)Driver).SweepTemporaries("/docker/registry/v2/repositories", DateTimeOffset.UtcNow.AddDays(-7), CancellationToken.None);

        Assert.Equal(2, removed);
        Assert.False(Directory.Exists(oldTree));
        Assert.False(File.Exists(oldFile));
        Assert.True(Directory.Exists(youngTree));
        Assert.Equal(Pattern(10, seed: 1), await Driver.GetContentAsync("/docker/registry/v2/repositories/a/b/_uploads/live/data", CancellationToken.None));
        Assert.Equal(0, ((FilesystemStorageDriver)Driver).SweepTemporaries("/docker/registry/v2/missing", DateTimeOffset.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task ReaderAsync_FileDeletedWhileOpen_KeepsReadingIt()
    {
        var content = Pattern(300_000, seed: 1);
        await Driver.PutContentAsync("/blob", content, CancellationToken.None);
        await using var reader = await Driver.ReaderAsync("/blob", 0, CancellationToken.None);

        await Driver.DeleteAsync("/blob", CancellationToken.None);

        Assert.Equal(content, await ReadAllAsync(reader));
    }

    [Fact]
    public async Task WriterAsync_AlignedBuffersThenOddTail_FileHoldsEveryByteInOrder()
    {
        // Whole aligned blocks go to disk directly (O_DIRECT), the odd tail through the page cache.
        var content = Pattern(3 * AlignedBuffers.Size + 12_345, seed: 7);
        var buffer = AlignedBuffers.Shared.Rent();
        try
        {
            await using var writer = await Driver.WriterAsync("/upload/data", append: false, CancellationToken.None);
            for (var offset = 0; offset < content.Length; offset += buffer.Count)
            {
                var count = Math.Min(buffer.Count, content.Length - offset);
                content.AsSpan(offset, count).CopyTo(buffer);
                await writer.WriteAsync(buffer[..count], CancellationToken.None);
                Assert.Equal(offset + count, writer.Size);
            }

            await writer.CommitAsync(CancellationToken.None);
        }
        finally
        {
            AlignedBuffers.Shared.Return(buffer);
        }

        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(root, "upload", "data")));
    }

    [Fact]
    public async Task WriterAsync_AppendStartingMidBlock_FileHoldsEveryByteInOrder()
    {
        // A PATCH of 5,000 bytes, then one of aligned blocks: the second starts 904 bytes before a block boundary.
        var first = Pattern(5_000, seed: 1);
        var second = Pattern(AlignedBuffers.Size, seed: 2);
        var third = Pattern(70_001, seed: 3);
        await using (var writer = await Driver.WriterAsync("/upload/data", append: false, CancellationToken.None))
        {
            await writer.WriteAsync(first, CancellationToken.None);
        }

        var buffer = AlignedBuffers.Shared.Rent();
        try
        {
            second.CopyTo(buffer.AsSpan());
            await using var writer = await Driver.WriterAsync("/upload/data", append: true, CancellationToken.None);
            Assert.Equal(first.Length, writer.Size);
            await writer.WriteAsync(buffer, CancellationToken.None);
            await writer.WriteAsync(third, CancellationToken.None);
            Assert.Equal(first.Length + second.Length + third.Length, writer.Size);
            await writer.CommitAsync(CancellationToken.None);
        }
        finally
        {
            AlignedBuffers.Shared.Return(buffer);
        }

        var stored = await File.ReadAllBytesAsync(Path.Combine(root, "upload", "data"));
        Assert.Equal(first.Concat(second).Concat(third).ToArray(), stored);
    }

    [Fact]
    public async Task WriterAsync_ManySmallUnalignedWrites_AreStagedAndAllLand()
    {
        var content = Pattern(2 * AlignedBuffers.Size + 777, seed: 9);
        await using (var writer = await Driver.WriterAsync("/upload/data", append: false, CancellationToken.None))
        {
            // Pieces of 1,000 bytes from an ordinary array: gathered into whole blocks before they are written.
            for (var offset = 0; offset < content.Length; offset += 1_000)
            {
                await writer.WriteAsync(content.AsMemory(offset, Math.Min(1_000, content.Length - offset)), CancellationToken.None);
            }

            Assert.Equal(content.Length, writer.Size);
        }

        // Closed without commit (a PATCH that ended): what was staged is in the file too.
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(root, "upload", "data")));
    }

    [Fact]
    public async Task RedirectUrlAsync_AnyFile_ReturnsNull()
    {
        Assert.Null(await Driver.RedirectUrlAsync("/blob", "GET", CancellationToken.None));
    }

    protected override IStorageDriver CreateDriver() => new FilesystemStorageDriver(root);
}
