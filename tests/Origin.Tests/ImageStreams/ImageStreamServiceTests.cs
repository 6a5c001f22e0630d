using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using EdgeRegistry.Origin.Tests.Api;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

public sealed class ImageStreamServiceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-streams-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 2, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = CancellationToken.None;
    private SqliteMetadataStore _store = null!;
    private ImageStreamService _streams = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await _store.InitializeAsync(_ct);
        var http = new HttpOptions { Listen = new HttpListenAddress("172.30.124.220", 5000) };
        _streams = new ImageStreamService(_store, RegistryHost.From(http), NullLogger<ImageStreamService>.Instance);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task GetAsync_PushedTwice_HasHistoryNewestFirstWithReferences()
    {
        var first = await PutImageAsync("test/busybox", "latest");
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await PutImageAsync("test/busybox", "latest");

        var stream = await _streams.GetAsync("test/busybox", _ct);

        Assert.Equal("172.30.124.220:5000/test/busybox", stream!.DockerImageRepository);
        var tag = Assert.Single(stream.Tags);
        Assert.Equal([second.ToString(), first.ToString()], tag.Items.Select(i => i.Image));
        Assert.Equal($"172.30.124.220:5000/test/busybox@{second}", tag.Items[0].DockerImageReference);
        Assert.Equal(_clock.GetUtcNow(), tag.Items[0].Created);
        Assert.Equal(_clock.GetUtcNow(), stream.Updated);
    }

    [Fact]
    public async Task ListAsync_NeighbouringProjects_ListsOnlyTheProjectsStreams()
    {
        await PutImageAsync("test/a", "v1");
        await PutImageAsync("test/b/c", "v1");
        await PutImageAsync("test-x/a", "v1");
        await PutImageAsync("test.x/a", "v1");
        await PutImageAsync("tes/a", "v1");
        await PutImageAsync("testa/a", "v1");

        var streams = await _streams.ListAsync("test", _ct);

        Assert.Equal(["a", "b/c"], streams.Select(s => s.Name));
    }

    [Fact]
    public async Task TagAsync_AcrossStreams_LinksBlobsIntoTheDestination()
    {
        var digest = await PutImageAsync("test/busybox", "latest");

        var tagged = await _streams.TagAsync(ImageStreamReference.Parse("test/busybox:latest", null), "anyproject/pullimagestream", "latest", _ct);

        Assert.Equal(digest, tagged);
        var manifest = await _store.GetManifestByTagAsync("anyproject/pullimagestream", "latest", _ct);
        Assert.Equal(digest, manifest!.Digest);
        foreach (var blob in ManifestParser.Parse(manifest.Payload, manifest.MediaType).Blobs)
        {
            Assert.NotNull(await _store.GetLinkedBlobSizeAsync("anyproject/pullimagestream", blob.Digest, _ct));
        }
    }

    [Fact]
    public async Task TagAsync_IndexAcrossStreams_CopiesChildManifestsAndTheirBlobs()
    {
        var amd = await PutImageAsync("src/multi", tag: null);
        var arm = await PutImageAsync("src/multi", tag: null);
        var index = RegistryCalls.Index([(amd.ToString(), 100, "amd64"), (arm.ToString(), 100, "arm64")]);
        var indexDigest = Digest.Parse(RegistryCalls.DigestOf(index));
        await _store.PutManifestAsync("src/multi", new ManifestRecord(indexDigest, MediaTypes.OciIndex, index, null, null, null, [], [amd, arm], default), "v1", dockerImageReference: null, _ct);

        await _streams.TagAsync(ImageStreamReference.Parse($"src/multi@{indexDigest}", null), "dst/multi", "copy", _ct);

        Assert.Equal(indexDigest, (await _store.GetManifestByTagAsync("dst/multi", "copy", _ct))!.Digest);
        foreach (var child in new[] { amd, arm })
        {
            var copied = await _store.GetManifestAsync("dst/multi", child, _ct);
            Assert.NotNull(copied);
            foreach (var blob in ManifestParser.Parse(copied.Payload, copied.MediaType).Blobs)
            {
                Assert.NotNull(await _store.GetLinkedBlobSizeAsync("dst/multi", blob.Digest, _ct));
            }
        }
    }

    [Fact]
    public async Task TagAsync_SameStream_AddsATagAndHistory()
    {
        var digest = await PutImageAsync("test/app", "v1");

        await _streams.TagAsync(ImageStreamReference.Parse("test/app:v1", null), "test/app", "stable", _ct);

        Assert.Equal(digest, (await _store.GetTagHistoryAsync("test/app", "stable", _ct)).Single().Digest);
    }

    [Fact]
    public async Task TagAsync_MissingSource_NameOrManifestUnknown()
    {
        await PutImageAsync("test/app", "v1");

        var noStream = await Assert.ThrowsAsync<RegistryException>(() => _streams.TagAsync(ImageStreamReference.Parse("test/none:v1", null), "x/y", "v1", _ct));
        var noTag = await Assert.ThrowsAsync<RegistryException>(() => _streams.TagAsync(ImageStreamReference.Parse("test/app:v9", null), "x/y", "v1", _ct));

        Assert.Equal(ErrorCode.NameUnknown, noStream.Error);
        Assert.Equal(ErrorCode.ManifestUnknown, noTag.Error);
        Assert.False(await _store.RepositoryExistsAsync("x/y", _ct));
    }

    [Fact]
    public async Task DeleteTagAsync_ExistingAndMissing_DeletesOrThrowsManifestUnknown()
    {
        await PutImageAsync("test/app", "v1");

        await _streams.DeleteTagAsync("test/app", "v1", _ct);
        var again = await Assert.ThrowsAsync<RegistryException>(() => _streams.DeleteTagAsync("test/app", "v1", _ct));

        Assert.Equal(ErrorCode.ManifestUnknown, again.Error);
        Assert.Empty((await _streams.GetAsync("test/app", _ct))!.Tags);
    }

    /// <summary>Links a config and a layer and stores a manifest over them (tagged when given); returns its digest.</summary>
    private async Task<Digest> PutImageAsync(string repository, string? tag)
    {
        var config = Digest.Parse(RegistryCalls.DigestOf(RegistryCalls.RandomBytes(16)));
        var layer = Digest.Parse(RegistryCalls.DigestOf(RegistryCalls.RandomBytes(16)));
        await _store.LinkBlobAsync(repository, config, 16, _ct);
        await _store.LinkBlobAsync(repository, layer, 16, _ct);
        var payload = RegistryCalls.ImageManifest(config.ToString(), 16, [(layer.ToString(), 16)]);
        var digest = Digest.Parse(RegistryCalls.DigestOf(payload));
        await _store.PutManifestAsync(repository, new ManifestRecord(digest, MediaTypes.OciManifest, payload, null, null, null, [config, layer], [], default), tag, dockerImageReference: null, _ct);
        return digest;
    }
}
