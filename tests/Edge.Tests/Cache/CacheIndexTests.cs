using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Edge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Edge.Tests.Cache;

public sealed class CacheIndexTests
{
    private static EdgeOptions Options(string directory, long maxSize = 1000) => new()
    {
        Origin = new OriginOptions { Url = new Uri("http://127.0.0.1:1") },
        Cache = new CacheOptions { Directory = directory, MaxSize = maxSize, HighWatermark = 0.9, LowWatermark = 0.5 },
    };

    private static CacheIndex NewIndex(EdgeOptions options, TimeProvider time) =>
        new(options, time, new EdgeMetrics(), NullLogger<CacheIndex>.Instance);

    private static Digest Put(CacheIndex index, int length, int seed)
    {
        var bytes = FakeOrigin.RandomBytes(length, seed);
        var digest = DigestHasher.Compute(bytes);
        var temp = index.NewTempPath();
        File.WriteAllBytes(temp, bytes);
        index.Commit(CacheIndex.BlobKey(digest), temp, length, leases: 0);
        return digest;
    }

    [Fact]
    public void Constructor_ExistingDirectory_IndexRebuiltAndPartialFilesRemoved()
    {
        using var directory = new TempDirectory();
        var options = Options(directory.Path);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = NewIndex(options, time);
        var a = Put(first, 100, 1);
        var b = Put(first, 200, 2);
        File.WriteAllBytes(first.NewTempPath(), new byte[50]);
        File.WriteAllBytes(Path.Combine(directory.Path, "blobs", "stray"), new byte[10]);

        var rebuilt = NewIndex(options, time);

        Assert.Equal(2, rebuilt.Count);
        Assert.Equal(300, rebuilt.TotalSize);
        Assert.True(rebuilt.Contains(CacheIndex.BlobKey(a)));
        Assert.True(rebuilt.Contains(CacheIndex.BlobKey(b)));
        Assert.Empty(Directory.GetFiles(rebuilt.TempDirectory));
        Assert.False(File.Exists(Path.Combine(directory.Path, "blobs", "stray")));
    }

    [Fact]
    public void EvictIfNeeded_AboveHighWatermark_LeastRecentlyUsedRemovedDownToLowWatermark()
    {
        using var directory = new TempDirectory();
        var options = Options(directory.Path);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var index = NewIndex(options, time);
        var evictor = new CacheEvictor(index, options, new EdgeMetrics(), NullLogger<CacheEvictor>.Instance);
        var digests = new List<Digest>();
        for (var i = 0; i < 4; i++)
        {
            digests.Add(Put(index, 200, i));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(index.TryLease(CacheIndex.BlobKey(digests[0]), out var used));
        used.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        digests.Add(Put(index, 200, 9));
        evictor.EvictIfNeeded();

        Assert.True(index.TotalSize <= 500, $"total {index.TotalSize}");
        Assert.True(index.Contains(CacheIndex.BlobKey(digests[0])));
        Assert.True(index.Contains(CacheIndex.BlobKey(digests[4])));
        Assert.False(index.Contains(CacheIndex.BlobKey(digests[1])));
        Assert.False(File.Exists(index.PathOf(CacheIndex.BlobKey(digests[1]))));
    }

    [Fact]
    public void EvictIfNeeded_FileBeingServed_NeverRemoved()
    {
        using var directory = new TempDirectory();
        var options = Options(directory.Path);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var index = NewIndex(options, time);
        var evictor = new CacheEvictor(index, options, new EdgeMetrics(), NullLogger<CacheEvictor>.Instance);
        var oldest = Put(index, 400, 1);
        Assert.True(index.TryLease(CacheIndex.BlobKey(oldest), out var lease));
        time.Advance(TimeSpan.FromSeconds(1));
        var newer = Put(index, 400, 2);
        time.Advance(TimeSpan.FromSeconds(1));
        Put(index, 400, 3);

        using (lease)
        {
            // The oldest file is being served: eviction passes it over and removes the next ones.
            evictor.EvictIfNeeded();

            Assert.True(File.Exists(lease.Path));
            Assert.False(index.Contains(CacheIndex.BlobKey(newer)));
        }
    }
}
