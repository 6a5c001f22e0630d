using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.PullThrough;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>
/// The edge as a mirror of <c>docker.io</c> (Debian's docker-registry behind the alias): skopeo pulls through it with
/// the edge's default registry, and plain requests carry <c>?ns=docker.io</c> as containerd sends them. The digests are
/// the remote's, and the remote's access log shows each blob fetched once per edge.
/// </summary>
public abstract class MirrorTests<TFixture>(TFixture fixture) : IDisposable
    where TFixture : MirrorFixture
{
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected TFixture Fixture { get; } = fixture;

    protected CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task Pull_SkopeoThroughDefaultRegistryMirror_RemoteDigestsAndEachBlobFetchedOncePerEdge()
    {
        var image = Fixture.Busybox;
        var before = image.AllBlobs.ToDictionary(b => b.Digest, b => AccessLog.BlobGets(Fixture.Remote.Output, "library/busybox", b.Digest));
        await using var edge = await Fixture.StartMirrorAsync(Ct);

        var first = await PullAsync(edge.ImageReference("library/busybox", "latest"));
        var second = await PullAsync(edge.ImageReference("busybox", "latest"));

        foreach (var layout in new[] { first, second })
        {
            Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(layout, "latest").Digest);
            Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
        }

        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(before[blob.Digest] + 1, await AccessLog.BlobGetsAsync(() => Fixture.Remote.Output, "library/busybox", blob.Digest, before[blob.Digest] + 1));
        }
    }

    [Fact]
    public async Task Pull_ContainerdStyleRequestsWithNs_RemoteDigests()
    {
        var image = Fixture.Busybox;
        await using var edge = await Fixture.StartMirrorAsync(Ct);
        using var client = edge.CreateHttpClient();

        using var head = new HttpRequestMessage(HttpMethod.Head, "v2/busybox/manifests/latest?ns=docker.io");
        head.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.OciManifest));
        head.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.OciIndex));
        using var resolved = await client.SendAsync(head, Ct);
        var digest = resolved.Headers.GetValues("Docker-Content-Digest").Single();
        var manifest = await client.GetByteArrayAsync($"v2/busybox/manifests/{digest}?ns=docker.io", Ct);

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal(image.ManifestDigest, digest);
        Assert.Equal(image.Manifest, manifest);
        using var document = JsonDocument.Parse(manifest);
        var blobs = document.RootElement.GetProperty("layers").EnumerateArray().Append(document.RootElement.GetProperty("config"))
            .Select(b => b.GetProperty("digest").GetString()!)
            .ToList();
        Assert.Equal(image.AllBlobs.Count, blobs.Count);
        foreach (var blob in blobs)
        {
            var bytes = await client.GetByteArrayAsync($"v2/busybox/blobs/{blob}?ns=docker.io", Ct);
            Assert.Equal(blob, OciLayoutBuilder.DigestOf(bytes));
        }
    }

    [Fact]
    public async Task Pull_RegistryNotOnTheAllowlist_DeniedNamingTheRegistry()
    {
        await using var edge = await Fixture.StartMirrorAsync(Ct, allowed: ["quay.io"]);
        using var client = edge.CreateHttpClient();

        var pull = await _skopeo.CopyAsync(edge.ImageReference("library/busybox", "latest"), $"oci:{Fixture.Layout.NewPath("refused")}:latest", sourceAccess: edge.Access, cancellationToken: Ct);
        using var response = await client.GetAsync("v2/busybox/manifests/latest?ns=docker.io", Ct);

        Assert.False(pull.Succeeded);
        Assert.Contains("registry docker.io is not allowed", pull.StandardError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("DENIED", body, StringComparison.Ordinal);
        Assert.Contains("docker.io", body, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _skopeo.Dispose();
        _timeout.Dispose();
    }

    private async Task<string> PullAsync(string reference)
    {
        var layout = Fixture.Layout.NewPath("pulled");
        var result = await _skopeo.CopyAsync(reference, $"oci:{layout}:latest", sourceAccess: RegistryAccess.Insecure, cancellationToken: Ct);
        Assert.True(result.Succeeded, result.ToString());
        return layout;
    }
}
