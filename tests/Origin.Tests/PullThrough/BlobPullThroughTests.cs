using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Tests.PullThrough;

/// <summary>Pull-through of blobs on a real origin, with a small fake remote registry behind <c>docker.io</c>.</summary>
public sealed class BlobPullThroughTests : IAsyncLifetime
{
    private const string Stream = "team/busybox";
    private FakeRemoteRegistry _remote = null!;

    public async Task InitializeAsync() => _remote = await FakeRemoteRegistry.StartAsync();

    public async Task DisposeAsync() => await _remote.DisposeAsync();

    [Fact]
    public async Task Get_ImportedBlob_StreamsTheRemoteBytesAndStoresThemOnce()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 300_000, 5_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");

        foreach (var (digest, bytes) in image.Blobs)
        {
            Assert.Equal(bytes, await GetBytesAsync(origin, digest));
            Assert.Equal(bytes, await GetBytesAsync(origin, digest));
            Assert.Equal(1, _remote.BlobGets(digest));
            Assert.Equal(bytes, await File.ReadAllBytesAsync(origin.BlobFile(digest)));
            Assert.Equal(bytes.Length, await origin.Metadata.GetLinkedBlobSizeAsync(Stream, digest, CancellationToken.None));
        }

        Assert.Empty(origin.LeftoverUploads());
    }

    [Fact]
    public async Task Get_SixteenConcurrentClients_TheRemoteSendsTheBlobOnce()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 2 * 1024 * 1024);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 2 * 1024 * 1024);
        _remote.Hold();

        // Every client has its response headers while the remote is still holding the second half of the body.
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            origin.Client.GetAsync($"/v2/{Stream}/blobs/{layer.Key}", HttpCompletionOption.ResponseHeadersRead)));
        _remote.Release();
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsByteArrayAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(bodies, body => Assert.Equal(layer.Value, body));
        Assert.Equal(1, _remote.BlobGets(layer.Key));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Get_FirstClientDisconnects_TheFillCompletesAndTheBlobIsStored()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 1024 * 1024);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 1024 * 1024);
        _remote.Hold();

        using (var response = await origin.Client.GetAsync($"/v2/{Stream}/blobs/{layer.Key}", HttpCompletionOption.ResponseHeadersRead))
        {
            var body = await response.Content.ReadAsStreamAsync();
            Assert.True(await body.ReadAsync(new byte[1024]) > 0);
        }

        _remote.Release();
        await Eventually(() => File.Exists(origin.BlobFile(layer.Key)));

        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
        Assert.Equal(1, _remote.BlobGets(layer.Key));
        Assert.Equal(layer.Value, await File.ReadAllBytesAsync(origin.BlobFile(layer.Key)));
    }

    [Fact]
    public async Task Get_RemoteSendsBytesThatDoNotMatch_NeverStoredNeverServedWhole()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 600_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 600_000);
        _remote.CorruptBlobs = true;

        var received = await TryGetBytesAsync(origin, layer.Key);

        Assert.True(received.Failed);
        Assert.True(received.Bytes.Length < layer.Value.Length, $"received {received.Bytes.Length} of {layer.Value.Length} bytes");
        await Eventually(() => origin.PullThrough.ActiveFills == 0);
        Assert.False(File.Exists(origin.BlobFile(layer.Key)));
        Assert.Null(await origin.Metadata.GetLinkedBlobSizeAsync(Stream, layer.Key, CancellationToken.None));
        Assert.Empty(origin.LeftoverUploads());
        Assert.Contains(origin.Logs.Lines, line => line.Contains("do not match", StringComparison.Ordinal));

        _remote.CorruptBlobs = false;
        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
    }

    [Fact]
    public async Task Get_RemoteFailsTwiceThenServes_TheClientGetsTheBlob()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 100_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 100_000);
        _remote.FailNextBlobGets(2);

        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
        Assert.Equal(3, _remote.BlobGets(layer.Key));
    }

    [Fact]
    public async Task Get_RemoteDown_StoredBlobsServedOthersUnavailable()
    {
        var remote = await FakeRemoteRegistry.StartAsync();
        await using var origin = await PullThroughTestOrigin.StartAsync(remote, extraUpstream: "  retries: 0");
        var image = remote.AddImage("library/busybox", "latest", 50_000, 60_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var cached = image.Blobs.Single(b => b.Value.Length == 50_000);
        var uncached = image.Blobs.Single(b => b.Value.Length == 60_000);
        Assert.Equal(cached.Value, await GetBytesAsync(origin, cached.Key));
        await remote.DisposeAsync();

        Assert.Equal(cached.Value, await GetBytesAsync(origin, cached.Key));
        using var manifest = await origin.Client.GetAsync($"/v2/{Stream}/manifests/latest");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        using var response = await origin.Client.GetAsync($"/v2/{Stream}/blobs/{uncached.Key}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("UNAVAILABLE", error.Code);
        Assert.Contains("docker.io", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RegistryOffTheAllowlist_DeniedNamingTheRegistry()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote, extraUpstream: "  allowed: [docker.io]");
        var image = _remote.AddImage("library/busybox", "latest", 10_000);
        var layer = image.Blobs.Single(b => b.Value.Length == 10_000);
        // The stream's status names a registry the allowlist does not have (as after an import the list has since dropped).
        await origin.Metadata.LinkRemoteBlobsAsync(Stream, [new RemoteBlobRecord(layer.Key, layer.Value.Length)], CancellationToken.None);
        var record = new ManifestRecord(image.Digest, image.MediaType, image.Manifest, null, null, null, [.. image.Blobs.Keys], [], DateTimeOffset.UnixEpoch);
        await origin.Metadata.PutManifestAsync(Stream, record, "latest", $"quay.io/library/busybox@{image.Digest}", CancellationToken.None);

        using var response = await origin.Client.GetAsync($"/v2/{Stream}/blobs/{layer.Key}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("DENIED", error.Code);
        Assert.Contains("quay.io", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _remote.BlobGets(layer.Key));
    }

    [Fact]
    public async Task Head_ImportedBlob_AnsweredFromTheManifestWithoutTheRemote()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 70_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 70_000);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Stream}/blobs/{layer.Key}");
        using var response = await origin.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(70_000, response.Content.Headers.ContentLength);
        Assert.Equal(layer.Key.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(0, _remote.BlobGets(layer.Key));
    }

    [Fact]
    public async Task Get_RangeOfAnImportedBlob_PartialContentFromTheFill()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 400_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 400_000);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Stream}/blobs/{layer.Key}");
        request.Headers.Range = new RangeHeaderValue(300_000, 300_099);
        using var response = await origin.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(layer.Value.AsSpan(300_000, 100).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_PullThroughOff_BlobUnknown()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(
            _remote,
            extraYaml: "middleware:\n  repository:\n    - name: openshift\n      options:\n        pullthrough: false");
        var image = _remote.AddImage("library/busybox", "latest", 10_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");

        using var response = await origin.Client.GetAsync($"/v2/{Stream}/blobs/{image.Blobs.Keys.First()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", (await ErrorAsync(response)).Code);
        Assert.Equal(0, _remote.BlobGets(image.Blobs.Keys.First()));
    }

    [Fact]
    public async Task Get_MirroringOff_ServedButNotKept()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(
            _remote,
            extraYaml: "middleware:\n  repository:\n    - name: openshift\n      options:\n        mirrorpullthrough: false");
        var image = _remote.AddImage("library/busybox", "latest", 30_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 30_000);

        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
        await Eventually(() => origin.PullThrough.ActiveFills == 0);
        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));

        Assert.Equal(2, _remote.BlobGets(layer.Key));
        Assert.False(File.Exists(origin.BlobFile(layer.Key)));
        Assert.Null(await origin.Metadata.GetLinkedBlobSizeAsync(Stream, layer.Key, CancellationToken.None));
    }

    [Fact]
    public async Task Get_StorageNotOnTheLocalFileSystem_MirroredThroughTheDriversWriter()
    {
        var metadata = Path.Combine(Path.GetTempPath(), $"edgeregistry-pullthrough-{Guid.NewGuid():N}.db");
        await using var origin = await PullThroughTestOrigin.StartAsync(
            _remote,
            environment: new Dictionary<string, string> { ["REGISTRY_STORAGE"] = "inmemory", ["REGISTRY_METADATA_SQLITE_PATH"] = metadata });
        var image = _remote.AddImage("library/busybox", "latest", 700_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 700_000);

        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
        await Eventually(() => origin.PullThrough.ActiveFills == 0);
        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));

        Assert.Equal(1, _remote.BlobGets(layer.Key));
        Assert.Equal(layer.Value.Length, await origin.Metadata.GetLinkedBlobSizeAsync(Stream, layer.Key, CancellationToken.None));
        await origin.DisposeAsync();
        foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(metadata) + "*"))
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Get_ReadOnlyMode_ServedButNotKept()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(
            _remote,
            environment: new Dictionary<string, string> { ["REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED"] = "true" });
        var image = _remote.AddImage("library/busybox", "latest", 30_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var layer = image.Blobs.Single(b => b.Value.Length == 30_000);

        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
        await Eventually(() => origin.PullThrough.ActiveFills == 0);

        Assert.False(File.Exists(origin.BlobFile(layer.Key)));
        Assert.Empty(origin.LeftoverUploads());
    }

    [Fact]
    public async Task Get_ImportFromAnotherRemoteWhileCandidatesAreCached_TheNewRemoteIsTried()
    {
        await using var quay = await FakeRemoteRegistry.StartAsync();
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote, quay: quay);
        var first = _remote.AddImage("library/busybox", "latest", 10_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        Assert.Equal(first.Blobs.Values.First(), await GetBytesAsync(origin, first.Blobs.Keys.First()));
        var second = quay.AddImage("team/busybox", "v2", 20_000);
        await origin.Importer.ImportAsync(ImageReference.Parse("quay.io/team/busybox:v2"), Stream, "v2", CancellationToken.None);

        var layer = second.Blobs.Single(b => b.Value.Length == 20_000);
        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key));
        Assert.Equal(1, quay.BlobGets(layer.Key));
    }

    [Fact]
    public async Task Get_BlobNotImportedHere_BlobUnknownEvenWhenAnotherStreamHasIt()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 10_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");

        using var response = await origin.Client.GetAsync($"/v2/other/busybox/blobs/{image.Blobs.Keys.First()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, _remote.BlobGets(image.Blobs.Keys.First()));
    }

    [Fact]
    public async Task Get_StreamTaggedFromAnImportedStream_PullsThroughToo()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 20_000);
        await ImportAsync(origin, "docker.io/library/busybox:latest");
        var streams = (EdgeRegistry.Origin.ImageStreams.ImageStreamService)origin.Services.GetService(typeof(EdgeRegistry.Origin.ImageStreams.ImageStreamService))!;
        await streams.TagAsync(EdgeRegistry.Origin.ImageStreams.ImageStreamReference.Parse("team/busybox:latest", null), "prod/busybox", "stable", CancellationToken.None);

        var layer = image.Blobs.Single(b => b.Value.Length == 20_000);
        Assert.Equal(layer.Value, await GetBytesAsync(origin, layer.Key, "prod/busybox"));
        var history = await origin.Metadata.GetTagHistoryAsync("prod/busybox", "stable", CancellationToken.None);
        Assert.Equal($"docker.io/library/busybox@{image.Digest}", Assert.Single(history).DockerImageReference);
    }

    private static Task ImportAsync(PullThroughTestOrigin origin, string source) =>
        origin.Importer.ImportAsync(ImageReference.Parse(source), Stream, "latest", CancellationToken.None);

    private static async Task<byte[]> GetBytesAsync(PullThroughTestOrigin origin, Digest digest, string repository = Stream)
    {
        using var response = await origin.Client.GetAsync($"/v2/{repository}/blobs/{digest}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET blob answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(digest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Reads as much of the blob as the origin sends; Failed when the response broke off.</summary>
    private static async Task<(bool Failed, byte[] Bytes)> TryGetBytesAsync(PullThroughTestOrigin origin, Digest digest)
    {
        using var response = await origin.Client.GetAsync($"/v2/{Stream}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
        using var received = new MemoryStream();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(received);
            return (!response.IsSuccessStatusCode, received.ToArray());
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (true, received.ToArray());
        }
    }

    private static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("errors")[0];
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the condition did not hold within 5 s");
    }
}
