using System.Security.Cryptography;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IStorageDriver"/> shares, after CNCF distribution's storage driver test
/// suite. A driver's test class derives from this one and only says how to make a fresh, empty driver (and
/// how to clean it up); anything specific to one driver belongs in that class, not here. Only the contract
/// is asserted: a writer's bytes are looked at after commit, or through a reopened writer's size, never
/// before, since an object store shows nothing until then.
/// </summary>
public abstract class StorageDriverConformanceTests
{
    private IStorageDriver? driver;

    /// <summary>The driver under test: created on first use, fresh and empty for every test.</summary>
    protected IStorageDriver Driver => driver ??= CreateDriver();

    /// <summary>Makes a fresh, empty driver; called at most once per test.</summary>
    protected abstract IStorageDriver CreateDriver();

    public static TheoryData<string> InvalidPaths() =>
    [
        "",
        "relative/path",
        "/a//b",
        "/a/",
        "//",
        "/./a",
        "/a/./b",
        "/a/../b",
        "/..",
        "/a/..",
        "/a\\b",
        "/a\0b",
    ];

    [Fact]
    public async Task GetContentAsync_AfterPut_ReturnsSameBytes()
    {
        var content = Pattern(1000, seed: 1);

        await Driver.PutContentAsync("/docker/registry/v2/a/link", content, CancellationToken.None);

        Assert.Equal(content, await Driver.GetContentAsync("/docker/registry/v2/a/link", CancellationToken.None));
    }

    [Fact]
    public async Task PutContentAsync_EmptyContent_CreatesEmptyFile()
    {
        await Driver.PutContentAsync("/empty", ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        Assert.Empty(await Driver.GetContentAsync("/empty", CancellationToken.None));
        Assert.Equal(0, (await Driver.StatAsync("/empty", CancellationToken.None)).Size);
    }

    [Fact]
    public async Task PutContentAsync_ExistingFile_ReplacesWholeContent()
    {
        await Driver.PutContentAsync("/a/b", Pattern(5000, seed: 1), CancellationToken.None);
        var shorter = Pattern(10, seed: 2);

        await Driver.PutContentAsync("/a/b", shorter, CancellationToken.None);

        Assert.Equal(shorter, await Driver.GetContentAsync("/a/b", CancellationToken.None));
    }

    [Fact]
    public async Task PutContentAsync_ConcurrentPutsToOnePath_OneWinsWhole()
    {
        // Lengths far apart, so that a longer put overwritten in place by a shorter one would leave a mix.
        var contents = Enumerable.Range(0, 8).Select(i => Pattern((8 - i) * 40_000, seed: i)).ToArray();
        for (var round = 0; round < 10; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var puts = contents
                .Select(content => Task.Run(async () =>
                {
                    await start.Task;
                    await Driver.PutContentAsync("/shared/dir/file", content, CancellationToken.None);
                }))
                .ToArray();

            start.SetResult();
            await Task.WhenAll(puts);

            var final = await Driver.GetContentAsync("/shared/dir/file", CancellationToken.None);
            Assert.Contains(contents, content => content.AsSpan().SequenceEqual(final));
        }

        Assert.Equal(["/shared/dir/file"], await Driver.ListAsync("/shared/dir", CancellationToken.None));
    }

    [Fact]
    public async Task GetContentAsync_WhilePutsReplaceFile_EveryReadIsOneWholeVersion()
    {
        var versions = new[] { Pattern(300 * 1024, seed: 1), Pattern(200 * 1024, seed: 2) };
        const string path = "/repositories/r/_manifests/tags/latest/current/link";
        await Driver.PutContentAsync(path, versions[0], CancellationToken.None);

        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 60; i++)
            {
                await Driver.PutContentAsync(path, versions[i % 2], CancellationToken.None);
            }
        });
        var readers = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(async () =>
            {
                var reads = 0;
                do
                {
                    var content = await Driver.GetContentAsync(path, CancellationToken.None);
                    Assert.Contains(versions, version => version.AsSpan().SequenceEqual(content));
                    reads++;
                }
                while (!writer.IsCompleted);

                return reads;
            }))
            .ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0));
    }

    [Fact]
    public async Task GetContentAsync_MissingPath_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/present/file", "x"u8.ToArray(), CancellationToken.None);

        var missingFile = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.GetContentAsync("/present/missing", CancellationToken.None));
        var missingDirectory = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.GetContentAsync("/absent/file", CancellationToken.None));

        Assert.Equal("/present/missing", missingFile.Path);
        Assert.Equal("/absent/file", missingDirectory.Path);
    }

    [Fact]
    public async Task GetContentAsync_Directory_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/dir/file", "x"u8.ToArray(), CancellationToken.None);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync("/dir", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ReaderAsync("/dir", 0, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public async Task EveryOperation_InvalidPath_ThrowsInvalidPath(string path)
    {
        await Driver.PutContentAsync("/valid/source", "x"u8.ToArray(), CancellationToken.None);
        var none = CancellationToken.None;

        await AssertInvalid(() => Driver.GetContentAsync(path, none));
        await AssertInvalid(() => Driver.PutContentAsync(path, "x"u8.ToArray(), none));
        await AssertInvalid(() => Driver.ReaderAsync(path, 0, none));
        await AssertInvalid(() => Driver.WriterAsync(path, append: false, none));
        await AssertInvalid(() => Driver.WriterAsync(path, append: true, none));
        await AssertInvalid(() => Driver.StatAsync(path, none));
        await AssertInvalid(() => Driver.ListAsync(path, none));
        await AssertInvalid(() => Driver.MoveAsync(path, "/valid/destination", none));
        await AssertInvalid(() => Driver.MoveAsync("/valid/source", path, none));
        await AssertInvalid(() => Driver.DeleteAsync(path, none));
        await AssertInvalid(() => Driver.RedirectUrlAsync(path, "GET", none));
        await AssertInvalid(async () => await Driver.WalkAsync(path, none).GetAsyncEnumerator(none).MoveNextAsync());

        // Nothing was touched on the way.
        Assert.Equal("x"u8.ToArray(), await Driver.GetContentAsync("/valid/source", none));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/valid/destination", none));

        async Task AssertInvalid(Func<Task> operation)
        {
            var exception = await Assert.ThrowsAsync<InvalidStoragePathException>(operation);
            Assert.Equal(path, exception.Path);
        }
    }

    [Fact]
    public async Task FileOperations_Root_ThrowInvalidPath()
    {
        await Driver.PutContentAsync("/file", "x"u8.ToArray(), CancellationToken.None);
        var none = CancellationToken.None;

        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.GetContentAsync("/", none));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.PutContentAsync("/", "x"u8.ToArray(), none));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.ReaderAsync("/", 0, none));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.WriterAsync("/", append: false, none));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.MoveAsync("/file", "/", none));
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Driver.DeleteAsync("/", none));

        Assert.Equal("x"u8.ToArray(), await Driver.GetContentAsync("/file", none));
    }

    [Fact]
    public async Task ReaderAsync_OffsetZero_ReadsWholeFile()
    {
        var content = Pattern(10_000, seed: 3);
        await Driver.PutContentAsync("/blob/data", content, CancellationToken.None);

        await using var reader = await Driver.ReaderAsync("/blob/data", 0, CancellationToken.None);

        Assert.Equal(content, await ReadAllAsync(reader));
    }

    [Fact]
    public async Task ReaderAsync_OffsetInMiddle_ReadsFromThatByte()
    {
        var content = Pattern(10_000, seed: 3);
        await Driver.PutContentAsync("/blob/data", content, CancellationToken.None);

        await using var reader = await Driver.ReaderAsync("/blob/data", 4321, CancellationToken.None);

        Assert.Equal(content[4321..], await ReadAllAsync(reader));
    }

    [Fact]
    public async Task ReaderAsync_OffsetAtEnd_ReadsNothing()
    {
        await Driver.PutContentAsync("/blob/data", Pattern(100, seed: 3), CancellationToken.None);

        await using var reader = await Driver.ReaderAsync("/blob/data", 100, CancellationToken.None);

        Assert.Empty(await ReadAllAsync(reader));
    }

    [Fact]
    public async Task ReaderAsync_OffsetPastEnd_ThrowsInvalidOffset()
    {
        await Driver.PutContentAsync("/blob/data", Pattern(100, seed: 3), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<InvalidStorageOffsetException>(
            () => Driver.ReaderAsync("/blob/data", 101, CancellationToken.None));

        Assert.Equal("/blob/data", exception.Path);
        Assert.Equal(101, exception.Offset);
    }

    [Fact]
    public async Task ReaderAsync_NegativeOffset_ThrowsInvalidOffset()
    {
        await Driver.PutContentAsync("/blob/data", Pattern(100, seed: 3), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidStorageOffsetException>(() => Driver.ReaderAsync("/blob/data", -1, CancellationToken.None));
    }

    [Fact]
    public async Task ReaderAsync_MissingPath_ThrowsNotFound()
    {
        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.ReaderAsync("/blob/data", 0, CancellationToken.None));

        Assert.Equal("/blob/data", exception.Path);
    }

    [Fact]
    public async Task WriterAsync_SeveralAppendingWriters_SizeContinuesAndContentConcatenates()
    {
        // One upload, three PATCH requests: each opens a writer, writes, and ends without committing.
        var parts = new[] { Pattern(1000, seed: 1), Pattern(1, seed: 2), Pattern(70_000, seed: 3) };
        const string path = "/repositories/library/busybox/_uploads/u1/data";
        long expectedSize = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            await using var writer = await Driver.WriterAsync(path, append: i > 0, CancellationToken.None);
            Assert.Equal(expectedSize, writer.Size);

            await writer.WriteAsync(parts[i], CancellationToken.None);
            expectedSize += parts[i].Length;

            Assert.Equal(expectedSize, writer.Size);
        }

        await using (var last = await Driver.WriterAsync(path, append: true, CancellationToken.None))
        {
            Assert.Equal(expectedSize, last.Size);
            await last.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(parts.SelectMany(part => part).ToArray(), await Driver.GetContentAsync(path, CancellationToken.None));
        Assert.Equal(expectedSize, (await Driver.StatAsync(path, CancellationToken.None)).Size);
    }

    [Fact]
    public async Task WriterAsync_SeveralWritesThenCommit_ContentIsTheirConcatenation()
    {
        var first = Pattern(3, seed: 1);
        var second = Pattern(200_000, seed: 2);

        await using (var writer = await Driver.WriterAsync("/new/dir/file", append: false, CancellationToken.None))
        {
            await writer.WriteAsync(first, CancellationToken.None);
            await writer.WriteAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
            await writer.WriteAsync(second, CancellationToken.None);
            Assert.Equal(first.Length + second.Length, writer.Size);
            await writer.CommitAsync(CancellationToken.None);
        }

        var content = await Driver.GetContentAsync("/new/dir/file", CancellationToken.None);
        Assert.Equal(first.Concat(second).ToArray(), content);
    }

    [Fact]
    public async Task WriterAsync_AppendToMissingFile_ThrowsNotFound()
    {
        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.WriterAsync("/uploads/none/data", append: true, CancellationToken.None));

        Assert.Equal("/uploads/none/data", exception.Path);
    }

    [Fact]
    public async Task WriterAsync_NewWriterDisposedUnwritten_LeavesAnEmptyFileToAppendTo()
    {
        await using (await Driver.WriterAsync("/uploads/new/data", append: false, CancellationToken.None))
        {
        }

        Assert.Equal(0, (await Driver.StatAsync("/uploads/new/data", CancellationToken.None)).Size);
        var content = Pattern(100, seed: 3);
        await using (var writer = await Driver.WriterAsync("/uploads/new/data", append: true, CancellationToken.None))
        {
            Assert.Equal(0, writer.Size);
            await writer.WriteAsync(content, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(content, await Driver.GetContentAsync("/uploads/new/data", CancellationToken.None));
    }

    [Fact]
    public async Task WriterAsync_WithoutAppendOnExistingFile_StartsEmpty()
    {
        await Driver.PutContentAsync("/file", Pattern(5000, seed: 1), CancellationToken.None);
        var content = Pattern(10, seed: 2);

        await using (var writer = await Driver.WriterAsync("/file", append: false, CancellationToken.None))
        {
            Assert.Equal(0, writer.Size);
            await writer.WriteAsync(content, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(content, await Driver.GetContentAsync("/file", CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_AfterCommit_ThrowsInvalidOperation()
    {
        await using var writer = await Driver.WriterAsync("/file", append: false, CancellationToken.None);
        await writer.WriteAsync(Pattern(10, seed: 1), CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(Pattern(10, seed: 2), CancellationToken.None));
        Assert.Equal(Pattern(10, seed: 1), await Driver.GetContentAsync("/file", CancellationToken.None));
    }

    [Fact]
    public async Task CancelAsync_AfterWrites_RemovesFile()
    {
        const string path = "/uploads/u1/data";
        await using (var writer = await Driver.WriterAsync(path, append: false, CancellationToken.None))
        {
            await writer.WriteAsync(Pattern(100_000, seed: 1), CancellationToken.None);
        }

        await using (var writer = await Driver.WriterAsync(path, append: true, CancellationToken.None))
        {
            await writer.WriteAsync(Pattern(10, seed: 2), CancellationToken.None);
            await writer.CancelAsync(CancellationToken.None);

            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(Pattern(1, seed: 3), CancellationToken.None));
        }

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync(path, CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.WriterAsync(path, append: true, CancellationToken.None));
    }

    [Fact]
    public async Task WriterAsync_LargeFileInChunks_ReadsBackWithSameSha256()
    {
        // 9 MiB and a bit, written by three writers (three PATCHes) in chunks of an odd size so that no
        // chunk lines up with any buffer, then read back in chunks and hashed on both sides.
        const long total = (9L << 20) + 12_345;
        const int chunk = 65_537;
        const long suffixOffset = (3L << 20) + 7;
        const string path = "/blobs/large/data";
        var random = new Random(42);
        var buffer = new byte[chunk];
        using var written = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var writtenSuffix = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long position = 0;
        for (var patch = 0; patch < 3; patch++)
        {
            var end = patch == 2 ? total : total / 3 * (patch + 1);
            await using var writer = await Driver.WriterAsync(path, append: patch > 0, CancellationToken.None);
            Assert.Equal(position, writer.Size);
            while (position < end)
            {
                var count = (int)Math.Min(chunk, end - position);
                random.NextBytes(buffer.AsSpan(0, count));
                await writer.WriteAsync(buffer.AsMemory(0, count), CancellationToken.None);
                written.AppendData(buffer, 0, count);
                if (position + count > suffixOffset)
                {
                    var skip = (int)Math.Max(0, suffixOffset - position);
                    writtenSuffix.AppendData(buffer, skip, count - skip);
                }

                position += count;
            }

            if (patch == 2)
            {
                await writer.CommitAsync(CancellationToken.None);
            }
        }

        Assert.Equal(total, (await Driver.StatAsync(path, CancellationToken.None)).Size);
        var (readLength, readHash) = await HashAsync(path, 0);
        Assert.Equal(total, readLength);
        Assert.Equal(written.GetHashAndReset(), readHash);
        var (suffixLength, suffixHash) = await HashAsync(path, suffixOffset);
        Assert.Equal(total - suffixOffset, suffixLength);
        Assert.Equal(writtenSuffix.GetHashAndReset(), suffixHash);
    }

    [Fact]
    public async Task StatAsync_File_ReportsSizeAndNotDirectory()
    {
        await Driver.PutContentAsync("/dir/file", Pattern(1234, seed: 1), CancellationToken.None);

        var info = await Driver.StatAsync("/dir/file", CancellationToken.None);

        Assert.Equal("/dir/file", info.Path);
        Assert.Equal(1234, info.Size);
        Assert.False(info.IsDirectory);
        Assert.NotEqual(default, info.ModifiedTime);
    }

    [Fact]
    public async Task StatAsync_Directory_ReportsDirectory()
    {
        await Driver.PutContentAsync("/dir/sub/file", Pattern(1234, seed: 1), CancellationToken.None);

        var directory = await Driver.StatAsync("/dir/sub", CancellationToken.None);
        var root = await Driver.StatAsync("/", CancellationToken.None);

        Assert.Equal("/dir/sub", directory.Path);
        Assert.True(directory.IsDirectory);
        Assert.Equal(0, directory.Size);
        Assert.True(root.IsDirectory);
    }

    [Fact]
    public async Task StatAsync_MissingPath_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/dir/file", Pattern(10, seed: 1), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.StatAsync("/dir/fil", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/dir/file/below", CancellationToken.None));

        Assert.Equal("/dir/fil", exception.Path);
    }

    [Fact]
    public async Task ListAsync_Directory_ReturnsDirectChildrenSortedOrdinally()
    {
        foreach (var path in new[] { "/a/b/c", "/a/b/d", "/a/e", "/a/f/g/h", "/a/B", "/a/ab", "/z" })
        {
            await Driver.PutContentAsync(path, "x"u8.ToArray(), CancellationToken.None);
        }

        Assert.Equal(["/a/B", "/a/ab", "/a/b", "/a/e", "/a/f"], await Driver.ListAsync("/a", CancellationToken.None));
        Assert.Equal(["/a/b/c", "/a/b/d"], await Driver.ListAsync("/a/b", CancellationToken.None));
        Assert.Equal(["/a", "/z"], await Driver.ListAsync("/", CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_MissingDirectory_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/a/file", "x"u8.ToArray(), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.ListAsync("/a/missing", CancellationToken.None));

        Assert.Equal("/a/missing", exception.Path);
    }

    [Fact]
    public async Task ListAsync_File_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/a/file", "x"u8.ToArray(), CancellationToken.None);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ListAsync("/a/file", CancellationToken.None));
    }

    [Fact]
    public async Task MoveAsync_File_MovesContentAndRemovesSource()
    {
        var content = Pattern(5000, seed: 1);
        await Driver.PutContentAsync("/uploads/u1/data", content, CancellationToken.None);

        await Driver.MoveAsync("/uploads/u1/data", "/uploads/u1/moved", CancellationToken.None);

        Assert.Equal(content, await Driver.GetContentAsync("/uploads/u1/moved", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/uploads/u1/data", CancellationToken.None));
    }

    [Fact]
    public async Task MoveAsync_ExistingDestination_ReplacesIt()
    {
        var content = Pattern(10, seed: 1);
        await Driver.PutContentAsync("/source", content, CancellationToken.None);
        await Driver.PutContentAsync("/blobs/x/data", Pattern(50_000, seed: 2), CancellationToken.None);

        await Driver.MoveAsync("/source", "/blobs/x/data", CancellationToken.None);

        Assert.Equal(content, await Driver.GetContentAsync("/blobs/x/data", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/source", CancellationToken.None));
    }

    [Fact]
    public async Task MoveAsync_MissingSource_ThrowsNotFoundAndKeepsDestination()
    {
        var content = Pattern(10, seed: 1);
        await Driver.PutContentAsync("/destination", content, CancellationToken.None);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.MoveAsync("/missing/source", "/destination", CancellationToken.None));

        Assert.Equal("/missing/source", exception.Path);
        Assert.Equal(content, await Driver.GetContentAsync("/destination", CancellationToken.None));
    }

    [Fact]
    public async Task MoveAsync_DestinationInNewDirectories_CreatesThem()
    {
        var content = Pattern(10, seed: 1);
        await Driver.PutContentAsync("/uploads/u1/data", content, CancellationToken.None);

        await Driver.MoveAsync("/uploads/u1/data", "/blobs/sha256/ab/abcdef/data", CancellationToken.None);

        Assert.Equal(content, await Driver.GetContentAsync("/blobs/sha256/ab/abcdef/data", CancellationToken.None));
        Assert.Equal(["/blobs/sha256/ab/abcdef/data"], await Driver.ListAsync("/blobs/sha256/ab/abcdef", CancellationToken.None));
    }

    [Fact]
    public async Task MoveAsync_ConcurrentIntoSameDestination_AllSucceedAndOneWinsWhole()
    {
        // Several uploads of the same blob finishing at once each publish by moving onto the blob's path.
        var contents = Enumerable.Range(0, 8).Select(i => Pattern(256 * 1024, seed: i)).ToArray();
        for (var i = 0; i < contents.Length; i++)
        {
            await Driver.PutContentAsync($"/uploads/u{i}/data", contents[i], CancellationToken.None);
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var moves = Enumerable.Range(0, contents.Length)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                await Driver.MoveAsync($"/uploads/u{i}/data", "/blobs/sha256/ab/abcdef/data", CancellationToken.None);
            }))
            .ToArray();

        start.SetResult();
        await Task.WhenAll(moves);

        var final = await Driver.GetContentAsync("/blobs/sha256/ab/abcdef/data", CancellationToken.None);
        Assert.Contains(contents, content => content.AsSpan().SequenceEqual(final));
        for (var i = 0; i < contents.Length; i++)
        {
            await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync($"/uploads/u{i}/data", CancellationToken.None));
        }
    }

    [Fact]
    public async Task ReaderAsync_WhileMovesReplaceFile_EveryReadIsOneWholeVersion()
    {
        var versions = new[] { Pattern(512 * 1024, seed: 1), Pattern(700 * 1024, seed: 2) };
        var hashes = versions.Select(version => Convert.ToHexString(SHA256.HashData(version))).ToList();
        const string path = "/blobs/data";
        await Driver.PutContentAsync(path, versions[0], CancellationToken.None);

        var mover = Task.Run(async () =>
        {
            for (var i = 1; i <= 60; i++)
            {
                await Driver.PutContentAsync("/uploads/next", versions[i % 2], CancellationToken.None);
                await Driver.MoveAsync("/uploads/next", path, CancellationToken.None);
            }
        });
        var readers = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(async () =>
            {
                var reads = 0;
                do
                {
                    var (_, hash) = await HashAsync(path, 0);
                    Assert.Contains(Convert.ToHexString(hash), hashes);
                    reads++;
                }
                while (!mover.IsCompleted);

                return reads;
            }))
            .ToArray();

        await mover;
        Assert.All(await Task.WhenAll(readers), reads => Assert.True(reads > 0));
        Assert.Equal(versions[0], await Driver.GetContentAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_File_RemovesOnlyThatFile()
    {
        await Driver.PutContentAsync("/dir/a", "a"u8.ToArray(), CancellationToken.None);
        await Driver.PutContentAsync("/dir/b", "b"u8.ToArray(), CancellationToken.None);

        await Driver.DeleteAsync("/dir/a", CancellationToken.None);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/dir/a", CancellationToken.None));
        Assert.Equal("b"u8.ToArray(), await Driver.GetContentAsync("/dir/b", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_Directory_RemovesWholeTreeAndNothingElse()
    {
        foreach (var path in new[] { "/r/_uploads/u1/data", "/r/_uploads/u1/startedat", "/r/_uploads/u1/hashstates/sha256/0", "/r/_uploads/u10/data", "/r/_uploads/u1x" })
        {
            await Driver.PutContentAsync(path, "x"u8.ToArray(), CancellationToken.None);
        }

        await Driver.DeleteAsync("/r/_uploads/u1", CancellationToken.None);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/r/_uploads/u1", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/r/_uploads/u1/data", CancellationToken.None));
        Assert.Equal(["/r/_uploads/u10", "/r/_uploads/u1x"], await Driver.ListAsync("/r/_uploads", CancellationToken.None));
        Assert.Equal("x"u8.ToArray(), await Driver.GetContentAsync("/r/_uploads/u10/data", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_MissingPath_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/dir/a", "a"u8.ToArray(), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.DeleteAsync("/dir/missing", CancellationToken.None));

        Assert.Equal("/dir/missing", exception.Path);
        Assert.Equal("a"u8.ToArray(), await Driver.GetContentAsync("/dir/a", CancellationToken.None));
    }

    [Fact]
    public async Task WalkAsync_Tree_YieldsEveryFileBelowWithItsSize()
    {
        var files = new Dictionary<string, int>
        {
            ["/v2/blobs/sha256/ab/ab01/data"] = 10,
            ["/v2/blobs/sha256/ab/ab02/data"] = 20,
            ["/v2/blobs/sha256/cd/cd01/data"] = 30,
            ["/v2/blobs/sha512/ef/ef01/data"] = 0,
            ["/v2/blobsy/data"] = 40,
            ["/v2/other"] = 50,
        };
        foreach (var (path, size) in files)
        {
            await Driver.PutContentAsync(path, Pattern(size, seed: size), CancellationToken.None);
        }

        var walked = new List<StorageFileInfo>();
        await foreach (var info in Driver.WalkAsync("/v2/blobs", CancellationToken.None))
        {
            walked.Add(info);
        }

        var expected = files.Where(file => file.Key.StartsWith("/v2/blobs/", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            expected.Select(file => (file.Key, (long)file.Value)).OrderBy(file => file.Key, StringComparer.Ordinal),
            walked.Select(info => (info.Path, info.Size)).OrderBy(file => file.Path, StringComparer.Ordinal));
        Assert.All(walked, info => Assert.False(info.IsDirectory));
    }

    [Fact]
    public async Task WalkAsync_MissingDirectory_ThrowsNotFound()
    {
        await Driver.PutContentAsync("/v2/file", "x"u8.ToArray(), CancellationToken.None);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(async () =>
        {
            await foreach (var _ in Driver.WalkAsync("/v2/missing", CancellationToken.None))
            {
            }
        });
    }

    /// <summary>Deterministic bytes that differ by seed, so a mix of two contents never hashes like either.</summary>
    protected static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<(long Length, byte[] Hash)> HashAsync(string path, long offset)
    {
        await using var reader = await Driver.ReaderAsync(path, offset, CancellationToken.None);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81_920];
        long length = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (length, hash.GetHashAndReset());
    }
}
