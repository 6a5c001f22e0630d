using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Tests.PullThrough;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

/// <summary>Imports into image streams from a small fake remote registry behind <c>docker.io</c>.</summary>
public sealed class ImageImporterTests : IAsyncLifetime
{
    private FakeRemoteRegistry _remote = null!;

    public async Task InitializeAsync() => _remote = await FakeRemoteRegistry.StartAsync();

    public async Task DisposeAsync() => await _remote.DisposeAsync();

    [Fact]
    public async Task ImportAsync_SingleImage_StoresTheManifestAndTheTagButNoBlobBytes()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "1.36", 20_000, 30_000);

        var imported = await origin.Importer.ImportAsync(ImageReference.Parse("busybox:1.36"), "team/busybox", "latest", CancellationToken.None);

        Assert.Equal(image.Digest, imported.Digest);
        Assert.Equal($"docker.io/library/busybox@{image.Digest}", imported.DockerImageReference);
        Assert.Equal((1, 3), (imported.Manifests, imported.Blobs));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/team/busybox/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FakeRemoteRegistry.OciManifest));
        using var response = await origin.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(image.Manifest, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(image.Digest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        var history = Assert.Single(await origin.Metadata.GetTagHistoryAsync("team/busybox", "latest", CancellationToken.None));
        Assert.Equal(imported.DockerImageReference, history.DockerImageReference);
        foreach (var (digest, bytes) in image.Blobs)
        {
            Assert.Equal(bytes.Length, await origin.Metadata.GetRemoteBlobSizeAsync("team/busybox", digest, CancellationToken.None));
            Assert.False(File.Exists(origin.BlobFile(digest)));
            Assert.Equal(0, _remote.BlobGets(digest));
        }
    }

    [Fact]
    public async Task ImportAsync_Index_StoresEveryPlatformManifest()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var index = _remote.AddIndex("library/busybox", "latest", 10_000, "amd64", "arm64", "s390x");

        var imported = await origin.Importer.ImportAsync(ImageReference.Parse("docker.io/library/busybox:latest"), "team/busybox", "latest", CancellationToken.None);

        Assert.Equal((index.Digest, 4, index.Blobs.Count), (imported.Digest, imported.Manifests, imported.Blobs));
        foreach (var child in index.Children)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/team/busybox/manifests/{child.Digest}");
            using var response = await origin.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(child.Manifest, await response.Content.ReadAsByteArrayAsync());
        }

        foreach (var (digest, bytes) in index.Blobs)
        {
            Assert.Equal(bytes.Length, await origin.Metadata.GetRemoteBlobSizeAsync("team/busybox", digest, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ImportAsync_RegistryOffTheAllowlist_DeniedNamingItAndNothingStored()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote, extraUpstream: "  allowed: [quay.io]");
        _remote.AddImage("library/busybox", "latest", 1_000);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            origin.Importer.ImportAsync(ImageReference.Parse("docker.io/library/busybox:latest"), "team/busybox", "latest", CancellationToken.None));

        Assert.Equal(ErrorCode.Denied, error.Error);
        Assert.Contains("docker.io", error.Message, StringComparison.Ordinal);
        Assert.False(await origin.Metadata.RepositoryExistsAsync("team/busybox", CancellationToken.None));
    }

    [Fact]
    public async Task ImportAsync_UnknownTag_ManifestUnknownAndNothingStored()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            origin.Importer.ImportAsync(ImageReference.Parse("docker.io/library/busybox:nope"), "team/busybox", "latest", CancellationToken.None));

        Assert.Equal(ErrorCode.ManifestUnknown, error.Error);
        Assert.False(await origin.Metadata.RepositoryExistsAsync("team/busybox", CancellationToken.None));
    }

    [Fact]
    public async Task ImportAsync_SameImageTwiceThenANewOne_HistoryHasTheTwoImagesNewestFirst()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var first = _remote.AddImage("library/busybox", "latest", 1_000);
        var source = ImageReference.Parse("docker.io/library/busybox:latest");
        await origin.Importer.ImportAsync(source, "team/busybox", "latest", CancellationToken.None);
        await origin.Importer.ImportAsync(source, "team/busybox", "latest", CancellationToken.None);
        var second = _remote.AddImage("library/busybox", "latest", 2_000);
        await origin.Importer.ImportAsync(source, "team/busybox", "latest", CancellationToken.None);

        var history = await origin.Metadata.GetTagHistoryAsync("team/busybox", "latest", CancellationToken.None);

        Assert.Equal([second.Digest, first.Digest], history.Select(h => h.Digest));
    }

    [Fact]
    public async Task ListTagsAsync_RemoteRepository_ListsItsTags()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        _remote.AddImage("library/busybox", "1.35", 1_000);
        _remote.AddImage("library/busybox", "1.36", 1_000);

        var tags = await origin.Importer.ListTagsAsync(ImageReference.Parse("docker.io/library/busybox"), CancellationToken.None);

        Assert.Equal(["1.35", "1.36"], tags);
    }
}
