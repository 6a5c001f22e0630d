using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>What every <see cref="IMetadataStore"/> provider must do with schema version 3 (remote-backed blobs, remote pull specs of tag history), run against each by a subclass.</summary>
public abstract class MetadataStoreRemoteConformanceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = CancellationToken.None;

    private IMetadataStore Store { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync(_clock);
        await Store.InitializeAsync(_ct);
    }

    public async Task DisposeAsync()
    {
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        await DisposeDatabaseAsync();
    }

    /// <summary>A new store, not initialized, on a database of the test's own.</summary>
    protected abstract Task<IMetadataStore> CreateStoreAsync(TimeProvider clock);

    /// <summary>Deletes the test's database, after the store has been disposed.</summary>
    protected abstract Task DisposeDatabaseAsync();

    [Fact]
    public async Task LinkRemoteBlobsAsync_NewRepository_CreatesItAndKeepsTheFirstSize()
    {
        var blob = Blob("layer");

        await Store.LinkRemoteBlobsAsync("team/busybox", [new RemoteBlobRecord(blob, 42), new RemoteBlobRecord(Blob("config"), RemoteBlobRecord.UnknownSize)], _ct);
        await Store.LinkRemoteBlobsAsync("team/busybox", [new RemoteBlobRecord(blob, 7)], _ct);

        Assert.True(await Store.RepositoryExistsAsync("team/busybox", _ct));
        Assert.Equal(42, await Store.GetRemoteBlobSizeAsync("team/busybox", blob, _ct));
        Assert.Equal(RemoteBlobRecord.UnknownSize, await Store.GetRemoteBlobSizeAsync("team/busybox", Blob("config"), _ct));
        Assert.Null(await Store.GetRemoteBlobSizeAsync("team/other", blob, _ct));
        // A remote-backed blob is not a local link: the blob endpoint must go to pull-through for it.
        Assert.Null(await Store.GetLinkedBlobSizeAsync("team/busybox", blob, _ct));
    }

    [Fact]
    public async Task PutManifestAsync_WithReference_RecordsItInTheHistory()
    {
        var manifest = Manifest("one");

        await Store.PutManifestAsync("team/busybox", manifest, "latest", "docker.io/library/busybox@" + manifest.Digest, _ct);

        var entry = Assert.Single(await Store.GetTagHistoryAsync("team/busybox", "latest", _ct));
        Assert.Equal(manifest.Digest, entry.Digest);
        Assert.Equal("docker.io/library/busybox@" + manifest.Digest, entry.DockerImageReference);
    }

    [Fact]
    public async Task PutManifestAsync_SameDigestFromAnotherRemote_AppendsAnEntry()
    {
        var manifest = Manifest("one");
        await Store.PutManifestAsync("team/busybox", manifest, "latest", _ct);
        await Store.PutManifestAsync("team/busybox", manifest, "latest", "quay.io/a/busybox@" + manifest.Digest, _ct);
        await Store.PutManifestAsync("team/busybox", manifest, "latest", "quay.io/a/busybox@" + manifest.Digest, _ct);
        await Store.PutManifestAsync("team/busybox", manifest, "latest", "docker.io/library/busybox@" + manifest.Digest, _ct);

        var history = await Store.GetTagHistoryAsync("team/busybox", "latest", _ct);

        Assert.Equal(
            ["docker.io/library/busybox@" + manifest.Digest, "quay.io/a/busybox@" + manifest.Digest, null],
            history.Select(h => h.DockerImageReference));
    }

    [Fact]
    public async Task ListRemoteTagHistoryAsync_MixedHistory_ReturnsRemoteEntriesByTagNewestFirst()
    {
        var one = Manifest("one");
        var two = Manifest("two");
        var three = Manifest("three");
        await Store.PutManifestAsync("team/app", one, "v2", "r1.example.com/app@" + one.Digest, _ct);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Store.PutManifestAsync("team/app", two, "v2", "r2.example.com/app@" + two.Digest, _ct);
        await Store.PutManifestAsync("team/app", three, "v1", "r3.example.com/app@" + three.Digest, _ct);
        await Store.PutManifestAsync("team/app", one, "local", _ct);

        var entries = await Store.ListRemoteTagHistoryAsync("team/app", _ct);

        Assert.Equal(
            [("v1", "r3.example.com/app@" + three.Digest), ("v2", "r2.example.com/app@" + two.Digest), ("v2", "r1.example.com/app@" + one.Digest)],
            entries.Select(e => (e.Tag, e.DockerImageReference!)));
        Assert.Empty(await Store.ListRemoteTagHistoryAsync("team/none", _ct));
    }

    private static Digest Blob(string content) => DigestHasher.Compute(Encoding.UTF8.GetBytes(content));

    private static ManifestRecord Manifest(string nonce)
    {
        var payload = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Blob(nonce)}}","size":1},"layers":[]}""");
        return new ManifestRecord(DigestHasher.Compute(payload), "application/vnd.oci.image.manifest.v1+json", payload, null, null, null, [], [], DateTimeOffset.UnixEpoch);
    }
}
