using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.RoundTrips;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>
/// The edge in front of our origin process: skopeo pulls and pushes through it, and the origin's own
/// counters (<c>/metrics</c>) show which blob bytes it had to send. Each test runs its own edge with an
/// empty cache; the origin is shared by the class (its tests run one after another).
/// </summary>
public sealed class EdgeOverOriginTests(OriginFixture fixture) : IClassFixture<OriginFixture>, IDisposable
{
    private readonly OriginProcess _origin = fixture.Origin;
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Token => _timeout.Token;

    [Fact]
    public async Task Pull_OciImage_DigestsIdenticalAndSecondPullGetsNoBlobFromOrigin()
    {
        var image = _layout.AddImage("v1", layerCount: 3, layerSize: 512 * 1024);
        var repository = NewRepository();
        await CopyAsync(image.Reference, _origin.ImageReference(repository, "v1"), null, _origin.Access);
        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);

        var before = await OriginCounters.ReadAsync(_origin, Token);
        var first = _layout.NewPath("first");
        await CopyAsync(edge.ImageReference(repository, "v1"), $"oci:{first}:v1", edge.Access, null);
        var afterFirst = await OriginCounters.ReadAsync(_origin, Token);
        var second = _layout.NewPath("second");
        await CopyAsync(edge.ImageReference(repository, "v1"), $"oci:{second}:v1", edge.Access, null);
        var afterSecond = await OriginCounters.ReadAsync(_origin, Token);

        foreach (var pulled in new[] { first, second })
        {
            Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(pulled, "v1").Digest);
            AssertBlobsIntact(pulled, image);
        }

        Assert.Equal(image.AllBlobs.Count, afterFirst.BlobGets - before.BlobGets);
        Assert.Equal(image.AllBlobs.Sum(blob => blob.Size), afterFirst.BlobBytesSent - before.BlobBytesSent);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(image.AllBlobs.Count, await edge.MetricAsync("edge_cache_hits_total{kind=\"blob\"}", Token));
    }

    [Fact]
    public async Task Pull_MultiPlatformIndexWithAll_EveryDigestIdentical()
    {
        var index = _layout.AddIndex("multi");
        var repository = NewRepository();
        await CopyAsync(index.Reference, _origin.ImageReference(repository, "multi"), null, _origin.Access, all: true);
        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);

        var pulled = _layout.NewPath("pulled");
        await CopyAsync(edge.ImageReference(repository, "multi"), $"oci:{pulled}:multi", edge.Access, null, all: true);
        var servedIndex = await InspectRawAsync(edge.ImageReference(repository, "multi"), edge.Access);

        Assert.Equal(index.ManifestDigest, OciLayoutBuilder.DigestOf(servedIndex));
        var copied = OciLayoutReader.FindTagged(pulled, "multi");
        Assert.Equal(index.ManifestDigest, copied.Digest);
        Assert.Equal(MediaTypeNames.OciIndex, copied.MediaType);
        foreach (var child in index.Children)
        {
            Assert.Equal(child.Manifest, OciLayoutReader.ReadBlob(pulled, child.ManifestDigest));
        }

        AssertBlobsIntact(pulled, index);
    }

    [Fact]
    public async Task Pull_DockerSchema2_SameManifestBytesAndBlobs()
    {
        var image = _layout.AddDockerSchema2Image("docker");
        var repository = NewRepository();
        await CopyAsync(image.Reference, _origin.ImageReference(repository, "docker"), null, _origin.Access);
        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);

        var pulled = _layout.NewPath("pulled");
        await CopyAsync(edge.ImageReference(repository, "docker"), $"dir:{pulled}", edge.Access, null);
        using var client = edge.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/docker");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.DockerManifest));
        using var response = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaTypeNames.DockerManifest, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(image.ManifestDigest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(image.Manifest, await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(image.Manifest, OciLayoutReader.ReadDirManifest(pulled));
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadDirBlob(pulled, blob.Digest)));
        }
    }

    [Fact]
    public async Task Get_SixteenConcurrentColdClients_OneOriginBlobGetAndEveryDigestRight()
    {
        using var work = new TempDirectory();
        var blob = RandomBlob.Write(work.Combine("blob"), mebibytes: 100, seed: 16);
        var repository = NewRepository();
        using (var direct = _origin.CreateHttpClient())
        {
            await blob.PushAsync(direct, repository, Token);
        }

        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);
        var before = await OriginCounters.ReadAsync(_origin, Token);

        // One client (one connection) each, all at once.
        var digests = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var client = edge.CreateHttpClient();
            using var response = await client.GetAsync($"v2/{repository}/blobs/{blob.Digest}", HttpCompletionOption.ResponseHeadersRead, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(blob.Length, response.Content.Headers.ContentLength);
            await using var body = await response.Content.ReadAsStreamAsync(Token);
            return await RandomBlob.DigestOfAsync(body, Token);
        }));
        var after = await OriginCounters.ReadAsync(_origin, Token);

        Assert.All(digests, digest => Assert.Equal(blob.Digest, digest));
        Assert.Equal(1, after.BlobGets - before.BlobGets);
        Assert.Equal(blob.Length, after.BlobBytesSent - before.BlobBytesSent);
    }

    [Fact]
    public async Task Get_ClientDisconnectsMidFill_FillCompletesAndNextClientNeedsNoOriginGet()
    {
        using var work = new TempDirectory();
        var blob = RandomBlob.Write(work.Combine("blob"), mebibytes: 100, seed: 17);
        var repository = NewRepository();
        using (var direct = _origin.CreateHttpClient())
        {
            await blob.PushAsync(direct, repository, Token);
        }

        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);
        var before = await OriginCounters.ReadAsync(_origin, Token);
        using (var leaving = edge.CreateHttpClient())
        {
            using var response = await leaving.GetAsync($"v2/{repository}/blobs/{blob.Digest}", HttpCompletionOption.ResponseHeadersRead, Token);
            await using var body = await response.Content.ReadAsStreamAsync(Token);
            var some = new byte[64 * 1024];
            await body.ReadExactlyAsync(some, Token);
        }

        await WaitForAsync(async () => await edge.MetricAsync("edge_fills_total{result=\"succeeded\"}", Token) == 1, "the fill completes");
        using var client = edge.CreateHttpClient();
        using var again = await client.GetAsync($"v2/{repository}/blobs/{blob.Digest}", HttpCompletionOption.ResponseHeadersRead, Token);
        await using var againBody = await again.Content.ReadAsStreamAsync(Token);
        var digest = await RandomBlob.DigestOfAsync(againBody, Token);
        var after = await OriginCounters.ReadAsync(_origin, Token);

        Assert.Equal(blob.Digest, digest);
        Assert.Equal(1, after.BlobGets - before.BlobGets);
        Assert.Equal(0, await edge.MetricAsync("edge_fills_total{result=\"failed\"}", Token));
    }

    [Fact]
    public async Task Get_OriginServesWrongBytes_NeverServedWholeNorCached()
    {
        using var work = new TempDirectory();
        var blob = RandomBlob.Write(work.Combine("blob"), mebibytes: 8, seed: 18);
        var repository = NewRepository();
        using (var direct = _origin.CreateHttpClient())
        {
            await blob.PushAsync(direct, repository, Token);
        }

        // The origin serves its file as it is: one flipped byte in storage makes it send wrong bytes of the right length.
        var stored = Path.Combine(_origin.StorageRoot, "docker", "registry", "v2", "blobs", "sha256", blob.Digest[7..9], blob.Digest[7..], "data");
        FlipByte(stored, blob.Length / 2);
        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);

        var (status, received, failed) = await ReadThroughAsync(edge, $"v2/{repository}/blobs/{blob.Digest}");
        var failedFills = await edge.MetricAsync("edge_fills_total{result=\"failed\"}", Token);
        FlipByte(stored, blob.Length / 2);
        var before = await OriginCounters.ReadAsync(_origin, Token);
        var (fixedStatus, fixedReceived, fixedFailed) = await ReadThroughAsync(edge, $"v2/{repository}/blobs/{blob.Digest}");
        var after = await OriginCounters.ReadAsync(_origin, Token);

        Assert.True(status != HttpStatusCode.OK || failed || received.Length < blob.Length, $"the wrong bytes were served whole ({status}, {received.Length} bytes)");
        Assert.True(failedFills >= 1, "no fill failed");
        Assert.Equal(HttpStatusCode.OK, fixedStatus);
        Assert.False(fixedFailed);
        Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(fixedReceived));
        Assert.Equal(1, after.BlobGets - before.BlobGets);
    }

    [Fact]
    public async Task Push_ThroughEdge_ImageLandsInOrigin()
    {
        var image = _layout.AddImage("pushed", layerCount: 2, layerSize: 1024 * 1024);
        var repository = NewRepository();
        await using var edge = await EdgeServer.StartAsync(_origin.BaseAddress, Token);

        await CopyAsync(image.Reference, edge.ImageReference(repository, "pushed"), null, edge.Access);
        var served = await InspectRawAsync(_origin.ImageReference(repository, "pushed"), _origin.Access);
        var direct = _layout.NewPath("direct");
        await CopyAsync(_origin.ImageReference(repository, "pushed"), $"oci:{direct}:pushed", _origin.Access, null);

        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(served));
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(direct, "pushed").Digest);
        AssertBlobsIntact(direct, image);
    }

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }

    internal static void AssertBlobsIntact(string layout, GeneratedImage image)
    {
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest)));
        }
    }

    private static string NewRepository() => $"edge/{Guid.NewGuid():N}";

    private static void FlipByte(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        RandomAccess.Read(file, one, offset);
        one[0] ^= 0xff;
        RandomAccess.Write(file, one, offset);
    }

    /// <summary>GETs <paramref name="path"/> through the edge: the status, the bytes received, and whether the body broke off.</summary>
    private async Task<(HttpStatusCode Status, byte[] Received, bool Failed)> ReadThroughAsync(EdgeServer edge, string path)
    {
        using var client = edge.CreateHttpClient();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Token);
        using var received = new MemoryStream();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(Token);
            await body.CopyToAsync(received, Token);
            return (response.StatusCode, received.ToArray(), false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return (response.StatusCode, received.ToArray(), true);
        }
    }

    private async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        while (!await condition())
        {
            Assert.False(Token.IsCancellationRequested, $"timed out waiting until {what}");
            await Task.Delay(50, Token);
        }
    }

    private async Task CopyAsync(string source, string destination, RegistryAccess? sourceAccess, RegistryAccess? destinationAccess, bool all = false)
    {
        var result = await _skopeo.CopyAsync(source, destination, sourceAccess, destinationAccess, all, preserveDigests: true, cancellationToken: Token);
        result.EnsureSuccess();
    }

    private async Task<byte[]> InspectRawAsync(string image, RegistryAccess access)
    {
        var result = await _skopeo.InspectAsync(image, raw: true, access, Token);
        return result.EnsureSuccess().StandardOutputBytes;
    }
}
