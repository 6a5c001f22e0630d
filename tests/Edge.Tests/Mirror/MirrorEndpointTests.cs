using System.Net;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.CloudFront;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.Mirror;

/// <summary>
/// Mirror mode against a fake remote registry aliased as <c>docker.io</c>, requests carrying <c>?ns=docker.io</c> as
/// containerd sends them; a fake origin behind the edge shows that none of it reaches the origin.
/// </summary>
public sealed class MirrorEndpointTests : IAsyncLifetime
{
    private const string Ns = "?ns=docker.io";
    private FakeOrigin origin = null!;
    private FakeOrigin remote = null!;

    public async Task InitializeAsync()
    {
        origin = await FakeOrigin.StartAsync();
        remote = await FakeOrigin.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await origin.DisposeAsync();
        await remote.DisposeAsync();
    }

    [Fact]
    public async Task Get_TagOfSingleName_ResolvedUnderLibraryWithHeadAndManifestFetchedOnceByDigest()
    {
        var (manifestDigest, payload, _) = AddImage("library/busybox", "latest", seed: 601);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        using var first = await edge.Client.GetAsync($"/v2/busybox/manifests/latest{Ns}");
        using var second = await edge.Client.GetAsync($"/v2/busybox/manifests/latest{Ns}");

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(manifestDigest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(MediaTypes.OciManifest, response.Content.Headers.ContentType?.MediaType);
        }

        var lines = remote.RequestLines;
        Assert.Equal(2, lines.Count(l => l == "HEAD /v2/library/busybox/manifests/latest"));
        Assert.DoesNotContain("GET /v2/library/busybox/manifests/latest", lines);
        Assert.Equal(1, lines.Count(l => l == $"GET /v2/library/busybox/manifests/{manifestDigest}"));
        Assert.Empty(origin.RequestLines);
    }

    [Fact]
    public async Task Get_BlobTwice_FetchedOnceFromUpstreamAndNeverFromOrigin()
    {
        var (_, _, layer) = AddImage("library/busybox", "latest", seed: 602);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        var first = await edge.Client.GetByteArrayAsync($"/v2/library/busybox/blobs/{layer.Digest}{Ns}");
        var second = await edge.Client.GetByteArrayAsync($"/v2/busybox/blobs/{layer.Digest}{Ns}");

        Assert.Equal(layer.Content, first);
        Assert.Equal(layer.Content, second);
        Assert.Equal(1, remote.BlobGets(layer.Digest));
        Assert.Empty(origin.RequestLines);
        Assert.Equal(1, await edge.MetricAsync("edge_cache_hits_total{kind=\"blob\"}"));
    }

    [Fact]
    public async Task Head_UncachedBlob_LengthFromUpstreamAndFillKept()
    {
        var (_, _, layer) = AddImage("library/busybox", "latest", seed: 603);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        using var head = await edge.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/busybox/blobs/{layer.Digest}{Ns}"));
        var body = await edge.Client.GetByteArrayAsync($"/v2/busybox/blobs/{layer.Digest}{Ns}");

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(layer.Content.Length, head.Content.Headers.ContentLength);
        Assert.Equal(layer.Digest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(layer.Content, body);
        Assert.Equal(1, remote.BlobGets(layer.Digest));
    }

    [Fact]
    public async Task Get_RegistryNotOnTheAllowlist_DeniedNamingTheRegistry()
    {
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        using var manifest = await edge.Client.GetAsync("/v2/team/app/manifests/latest?ns=quay.io");
        using var blob = await edge.Client.GetAsync($"/v2/team/app/blobs/sha256:{new string('b', 64)}?ns=quay.io");

        foreach (var response in new[] { manifest, blob })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var error = await ErrorAsync(response);
            Assert.Equal("DENIED", error.Code);
            Assert.Contains("quay.io", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, remote.Requests);
        Assert.Empty(origin.RequestLines);
    }

    [Fact]
    public async Task Get_PlainHttpRegistryNotListedAsInsecure_UnavailableNamingTls()
    {
        var (_, _, layer) = AddImage("team/app", "latest", seed: 604);
        var registry = remote.Url.Authority;
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => Upstreams.DockerIoAt(remote, allowed: ["docker.io", registry], mirror: true)(o));

        using var response = await edge.Client.GetAsync($"/v2/team/app/blobs/{layer.Digest}?ns={registry}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("UNAVAILABLE", error.Code);
        Assert.Contains($"TLS connection to registry {registry} failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, remote.BlobGets(layer.Digest));
    }

    [Fact]
    public async Task Get_UpstreamDown_CachedContentServedAndUncachedUnavailable()
    {
        var (manifestDigest, payload, layer) = AddImage("library/busybox", "latest", seed: 605);
        var missing = DigestHasher.Compute(Encoding.UTF8.GetBytes("never fetched"));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));
        (await edge.Client.GetAsync($"/v2/busybox/manifests/latest{Ns}")).Dispose();
        await edge.Client.GetByteArrayAsync($"/v2/busybox/blobs/{layer.Digest}{Ns}");

        await remote.StopAsync();
        using var tag = await edge.Client.GetAsync($"/v2/busybox/manifests/latest{Ns}");
        using var byDigest = await edge.Client.GetAsync($"/v2/busybox/manifests/{manifestDigest}{Ns}");
        var blob = await edge.Client.GetByteArrayAsync($"/v2/busybox/blobs/{layer.Digest}{Ns}");
        using var uncached = await edge.Client.GetAsync($"/v2/busybox/blobs/{missing}{Ns}");

        Assert.Equal(HttpStatusCode.OK, tag.StatusCode);
        Assert.Equal(payload, await tag.Content.ReadAsByteArrayAsync());
        Assert.Contains("110", tag.Headers.GetValues("Warning").Single(), StringComparison.Ordinal);
        Assert.Equal(payload, await byDigest.Content.ReadAsByteArrayAsync());
        Assert.Equal(layer.Content, blob);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        var error = await ErrorAsync(uncached);
        Assert.Equal("UNAVAILABLE", error.Code);
        Assert.Contains("docker.io", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UpstreamFailsTwiceThenServes_Served()
    {
        var (_, _, layer) = AddImage("library/busybox", "latest", seed: 606);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));
        remote.FailNext(2);

        var body = await edge.Client.GetByteArrayAsync($"/v2/busybox/blobs/{layer.Digest}{Ns}");

        Assert.Equal(layer.Content, body);
        Assert.Equal(3, remote.Requests);
    }

    [Fact]
    public async Task Get_UpstreamSendsWrongBytes_NeverServedWholeNorCached()
    {
        var content = FakeOrigin.RandomBytes(300_000, seed: 607);
        var wrong = (byte[])content.Clone();
        wrong[^1] ^= 0x01;
        var digest = remote.AddBlob(content, served: wrong);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        var received = await Upstreams.ReadAsMuchAsPossibleAsync(edge.Client, $"/v2/busybox/blobs/{digest}{Ns}");
        var wrongFetches = remote.BlobGets(digest);
        remote.Fix(digest, content);
        var retried = await edge.Client.GetByteArrayAsync($"/v2/busybox/blobs/{digest}{Ns}");

        Assert.True(received < content.Length, $"the client received {received} of {content.Length} bytes");
        Assert.Equal(content, retried);
        Assert.Equal(wrongFetches + 1, remote.BlobGets(digest));
    }

    [Fact]
    public async Task Get_NsNamesTheOrigin_ServedByTheOrigin()
    {
        var content = FakeOrigin.RandomBytes(20_000, seed: 608);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        var body = await edge.Client.GetByteArrayAsync($"/v2/team/app/blobs/{digest}?ns={origin.Url.Authority}");

        Assert.Equal(content, body);
        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(0, remote.Requests);
    }

    [Fact]
    public async Task Get_MirrorModeOff_NsIgnoredAndOriginAsked()
    {
        var content = FakeOrigin.RandomBytes(20_000, seed: 609);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: false));

        var body = await edge.Client.GetByteArrayAsync($"/v2/team/app/blobs/{digest}{Ns}");

        Assert.Equal(content, body);
        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(0, remote.Requests);
    }

    [Fact]
    public async Task Get_DefaultRegistryWithoutNs_MirroredWithoutTheOrigin()
    {
        var (manifestDigest, payload, layer) = AddImage("library/busybox", "1.36", seed: 610);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true, defaultRegistry: "docker.io"));

        using var root = await edge.Client.GetAsync("/v2/");
        using var manifest = await edge.Client.GetAsync("/v2/library/busybox/manifests/1.36");
        var blob = await edge.Client.GetByteArrayAsync($"/v2/library/busybox/blobs/{layer.Digest}");

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal(payload, await manifest.Content.ReadAsByteArrayAsync());
        Assert.Equal(manifestDigest.ToString(), manifest.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(layer.Content, blob);
        Assert.Empty(origin.RequestLines);
    }

    [Fact]
    public async Task Get_DigestCachedForTheOrigin_NotServedToMirrorRequests()
    {
        var content = FakeOrigin.RandomBytes(20_000, seed: 611);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));
        await edge.Client.GetByteArrayAsync($"/v2/private/app/blobs/{digest}");

        using var mirrored = await edge.Client.GetAsync($"/v2/busybox/blobs/{digest}{Ns}");

        Assert.Equal(HttpStatusCode.NotFound, mirrored.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", (await ErrorAsync(mirrored)).Code);
        Assert.Contains($"GET /v2/library/busybox/blobs/{digest}", remote.RequestLines);
    }

    [Fact]
    public async Task Get_CloudFrontConfigured_MirrorBlobServedHereNotRedirected()
    {
        var (_, _, layer) = AddImage("library/busybox", "latest", seed: 612);
        using var key = new CloudFrontKey();
        var upstream = Upstreams.DockerIoAt(remote, mirror: true);
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => upstream(o) with
        {
            CloudFront = new CloudFrontOptions
            {
                BaseUrl = new Uri("https://d111111abcdef8.cloudfront.net/"),
                PrivateKey = key.PrivateKeyPath,
                KeyPairId = CloudFrontKey.KeyPairId,
                ThresholdBytes = 1,
            },
        });

        using var response = await edge.Client.GetAsync($"/v2/busybox/blobs/{layer.Digest}{Ns}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(layer.Content, await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(origin.RequestLines);
    }

    [Fact]
    public async Task Post_Upload_Unsupported()
    {
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, mirror: true));

        using var response = await edge.Client.PostAsync($"/v2/busybox/blobs/uploads/{Ns}", content: null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("UNSUPPORTED", (await ErrorAsync(response)).Code);
        Assert.Empty(origin.RequestLines);
    }

    /// <summary>Adds an OCI image of one layer and its config to the remote, tagged; returns the manifest and the layer.</summary>
    private (Digest ManifestDigest, byte[] Payload, (Digest Digest, byte[] Content) Layer) AddImage(string repository, string tag, int seed)
    {
        var layer = FakeOrigin.RandomBytes(150_000, seed);
        var config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":{{seed}}}""");
        var layerDigest = remote.AddBlob(layer);
        var configDigest = remote.AddBlob(config);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = new { mediaType = MediaTypes.OciConfig, digest = configDigest.ToString(), size = config.Length },
            layers = new[] { new { mediaType = MediaTypes.OciLayerTarGzip, digest = layerDigest.ToString(), size = layer.Length } },
        });
        var manifestDigest = remote.AddManifest(repository, tag, MediaTypes.OciManifest, payload);
        return (manifestDigest, payload, (layerDigest, layer));
    }

    private static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("errors")[0];
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }
}
