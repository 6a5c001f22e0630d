using System.Net;
using System.Text;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>
/// Imports from Debian's docker-registry (aliased as <c>docker.io</c>) into image streams of the origin, then pulls
/// through the origin with skopeo: the digests are the remote's, and the remote's access log shows each blob fetched
/// once however often the image is pulled (mirroring).
/// </summary>
public abstract class RemotePullThroughTests<TFixture>(TFixture fixture) : IDisposable
    where TFixture : RemotePullThroughFixture
{
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected TFixture Fixture { get; } = fixture;

    protected CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Pull_ImportedImage_RemoteDigestsAndEachBlobFetchedOnce()
    {
        var image = Fixture.Busybox;
        var imported = await AdminCli.RunCheckedAsync(Fixture.Origin.ConfigPath, Ct, "import-image", "team/busybox", "--from", "docker.io/library/busybox:latest");
        Assert.Contains($"docker.io/library/busybox@{image.ManifestDigest}", imported, StringComparison.Ordinal);

        var first = await PullAsync("team/busybox", "latest", all: false);
        var second = await PullAsync("team/busybox", "latest", all: false);

        foreach (var layout in new[] { first, second })
        {
            Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(layout, "latest").Digest);
            foreach (var blob in image.AllBlobs)
            {
                Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest)));
            }
        }

        var raw = await _skopeo.InspectAsync(Fixture.Origin.ImageReference("team/busybox", "latest"), raw: true, Fixture.Origin.Access, Ct);
        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(raw.EnsureSuccess().StandardOutputBytes));
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(1, await AccessLog.BlobGetsAsync(() => Fixture.Remote.Output, "library/busybox", blob.Digest));
        }
    }

    [Fact]
    public async Task Pull_ImportedIndexThroughTheApi_EveryPlatformWithRemoteDigestsFetchedOnce()
    {
        var index = Fixture.Multi;
        using var client = Fixture.Origin.CreateHttpClient();
        using var response = await client.PostAsync(
            "/apis/image.openshift.io/v1/namespaces/team/imagestreamimports",
            new StringContent(
                """{"metadata":{"name":"multi"},"spec":{"import":true,"images":[{"from":{"kind":"DockerImage","name":"docker.io/library/multi:latest"},"to":{"name":"latest"}}]}}""",
                Encoding.UTF8,
                "application/json"),
            Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));

        var first = await PullAsync("team/multi", "latest", all: true);
        var second = await PullAsync("team/multi", "latest", all: true);

        foreach (var layout in new[] { first, second })
        {
            Assert.Equal(index.ManifestDigest, OciLayoutReader.FindTagged(layout, "latest").Digest);
            foreach (var child in index.Children)
            {
                Assert.Equal(child.Manifest, OciLayoutReader.ReadBlob(layout, child.ManifestDigest));
            }

            Assert.All(index.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
        }

        foreach (var blob in index.AllBlobs)
        {
            Assert.Equal(1, await AccessLog.BlobGetsAsync(() => Fixture.Remote.Output, "library/multi", blob.Digest));
        }
    }

    public void Dispose()
    {
        _skopeo.Dispose();
        _timeout.Dispose();
    }

    /// <summary>Copies the image from the origin into a new OCI layout and returns its path.</summary>
    protected async Task<string> PullAsync(string repository, string tag, bool all)
    {
        var layout = Fixture.Layout.NewPath("pulled");
        var result = await _skopeo.CopyAsync(Fixture.Origin.ImageReference(repository, tag), $"oci:{layout}:{tag}", sourceAccess: Fixture.Origin.Access, all: all, cancellationToken: Ct);
        Assert.True(result.Succeeded, result.ToString() + Environment.NewLine + Fixture.Origin.Output);
        return layout;
    }

    protected Task<ProcessResult> TryPullAsync(string repository, string tag)
    {
        var layout = Fixture.Layout.NewPath("pulled");
        return _skopeo.CopyAsync(Fixture.Origin.ImageReference(repository, tag), $"oci:{layout}:{tag}", sourceAccess: Fixture.Origin.Access, cancellationToken: Ct);
    }
}
