using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>
/// Faults of the remote, injected by a <see cref="FaultProxy"/> between the origin and Debian's docker-registry
/// (aliased as <c>docker.io</c>): failures the retries absorb, and bytes that do not match their digest.
/// </summary>
public sealed class RemoteFaultTests : IAsyncLifetime
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private DockerRegistryProcess _remote = null!;
    private FaultProxy _proxy = null!;
    private OriginProcess _origin = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _remote = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { Environment = AccessLog.Enabled }, Ct);
        _proxy = await FaultProxy.StartAsync(_remote.BaseAddress);
        _origin = await OriginProcess.StartAsync(
            new OriginOptions
            {
                ExtraYaml = $"upstream:\n  allowed: [docker.io]\n  insecure: [docker.io]\n  aliases:\n    docker.io: http://{_proxy.Host}\n  retrydelay: 50ms",
            },
            Ct);
    }

    public async Task DisposeAsync()
    {
        await _origin.DisposeAsync();
        await _proxy.DisposeAsync();
        await _remote.DisposeAsync();
        _skopeo.Dispose();
        _layout.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Pull_RemoteAnswers500TwiceThenServes_PullSucceeds()
    {
        var image = await ImportAsync("flaky", layerCount: 1);
        _proxy.FailNextBlobGets(2);

        var layout = _layout.NewPath("pulled");
        var pull = await _skopeo.CopyAsync(_origin.ImageReference("team/flaky", "latest"), $"oci:{layout}:latest", sourceAccess: _origin.Access, cancellationToken: Ct);

        Assert.True(pull.Succeeded, pull + _origin.Output);
        Assert.Equal(2, _proxy.FailedBlobGets);
        Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
    }

    [Fact]
    public async Task Pull_RemoteSendsBytesThatDoNotMatch_PullFailsAndNothingIsStored()
    {
        var image = await ImportAsync("corrupt", layerCount: 1);
        _proxy.CorruptBlobs = true;

        var pull = await _skopeo.CopyAsync(_origin.ImageReference("team/corrupt", "latest"), $"oci:{_layout.NewPath("pulled")}:latest", sourceAccess: _origin.Access, cancellationToken: Ct);
        using var client = _origin.CreateHttpClient();
        var layer = image.Layers[0];
        var received = await ReadAsMuchAsPossibleAsync(client, $"/v2/team/corrupt/blobs/{layer.Digest}");

        Assert.False(pull.Succeeded);
        Assert.True(received < layer.Size, $"the client received {received} of {layer.Size} bytes");
        Assert.All(image.AllBlobs, blob => Assert.False(File.Exists(BlobFile(blob.Digest)), blob.Digest));
        Assert.Contains("do not match", _origin.Output, StringComparison.Ordinal);

        _proxy.CorruptBlobs = false;
        var retry = await _skopeo.CopyAsync(_origin.ImageReference("team/corrupt", "latest"), $"oci:{_layout.NewPath("pulled")}:latest", sourceAccess: _origin.Access, cancellationToken: Ct);
        Assert.True(retry.Succeeded, retry.ToString());
        Assert.All(image.AllBlobs, blob => Assert.True(File.Exists(BlobFile(blob.Digest)), blob.Digest));
    }

    private async Task<GeneratedImage> ImportAsync(string name, int layerCount)
    {
        var image = _layout.AddImage(name, layerCount: layerCount, layerSize: 300 * 1024);
        (await _skopeo.CopyAsync(image.Reference, _remote.ImageReference($"library/{name}", "latest"), destinationAccess: _remote.Access, cancellationToken: Ct)).EnsureSuccess();
        await AdminCli.RunCheckedAsync(_origin.ConfigPath, Ct, "import-image", $"team/{name}", "--from", $"docker.io/library/{name}:latest");
        return image;
    }

    private string BlobFile(string digest) =>
        Path.Combine(_origin.StorageRoot, "docker", "registry", "v2", "blobs", "sha256", digest[7..9], digest[7..], "data");

    private async Task<long> ReadAsMuchAsPossibleAsync(HttpClient client, string path)
    {
        long received = 0;
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
            await using var body = await response.Content.ReadAsStreamAsync(Ct);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, Ct)) > 0)
            {
                received += read;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The origin aborts the response: what arrived before is what counts.
        }

        return received;
    }
}
