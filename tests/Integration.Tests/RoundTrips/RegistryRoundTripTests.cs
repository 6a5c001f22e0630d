using System.Net.Http.Headers;
using System.Text.Json;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.RoundTrips;

/// <summary>
/// One suite, every registry: skopeo copies generated images from disk into the registry and back out,
/// and the digests survive both ways. Debian's docker-registry runs it to prove the harness; our origin
/// runs it to prove it behaves like the peer.
/// </summary>
public abstract class RegistryRoundTripTests(IRegistryEndpoint registry) : IDisposable
{
    private readonly IRegistryEndpoint _registry = registry;
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    [Fact]
    public async Task Copy_OciImageInAndOut_DigestsAndBlobsMatch()
    {
        var image = _layout.AddImage("v1");
        var repository = NewRepository();

        await Copy(image.Reference, _registry.ImageReference(repository, "v1"), null, _registry.Access);
        var served = await InspectRaw(_registry.ImageReference(repository, "v1"));
        var outLayout = _layout.NewPath("out");
        await Copy(_registry.ImageReference(repository, "v1"), $"oci:{outLayout}:v1", _registry.Access, null);

        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(served));
        var copied = OciLayoutReader.FindTagged(outLayout, "v1");
        Assert.Equal(image.ManifestDigest, copied.Digest);
        Assert.Equal(MediaTypeNames.OciManifest, copied.MediaType);
        Assert.Equal(4, image.AllBlobs.Count);
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(outLayout, blob.Digest)));
        }
    }

    [Fact]
    public async Task Copy_OciIndexWithAll_IndexAndBothPlatformsKeepTheirDigests()
    {
        var index = _layout.AddIndex("multi");
        var repository = NewRepository();

        await Copy(index.Reference, _registry.ImageReference(repository, "multi"), null, _registry.Access, all: true);
        var servedIndex = await InspectRaw(_registry.ImageReference(repository, "multi"));
        var servedChildren = new List<string>();
        foreach (var child in index.Children)
        {
            servedChildren.Add(OciLayoutBuilder.DigestOf(await InspectRaw(_registry.ImageReference(repository, child.ManifestDigest))));
        }

        var outLayout = _layout.NewPath("out");
        await Copy(_registry.ImageReference(repository, "multi"), $"oci:{outLayout}:multi", _registry.Access, null, all: true);

        Assert.Equal(index.ManifestDigest, OciLayoutBuilder.DigestOf(servedIndex));
        Assert.Equal(index.Children.Select(child => child.ManifestDigest), servedChildren);
        var copied = OciLayoutReader.FindTagged(outLayout, "multi");
        Assert.Equal(index.ManifestDigest, copied.Digest);
        Assert.Equal(MediaTypeNames.OciIndex, copied.MediaType);
        Assert.Equal(["amd64", "arm64"], index.Children.Select(child => child.Platform!.Architecture));
        foreach (var child in index.Children)
        {
            Assert.Equal(child.Manifest, OciLayoutReader.ReadBlob(outLayout, child.ManifestDigest));
        }

        Assert.All(index.AllBlobs, blob => Assert.True(OciLayoutReader.HasBlob(outLayout, blob.Digest), blob.Digest));
    }

    [Fact]
    public async Task Copy_DockerSchema2Image_RegistryServesDockerManifestWithSameDigest()
    {
        var image = _layout.AddDockerSchema2Image("docker");
        var repository = NewRepository();

        await Copy(image.Reference, _registry.ImageReference(repository, "docker"), null, _registry.Access);
        using var client = _registry.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/docker");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.DockerManifest));
        using var response = await client.SendAsync(request, _timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(_timeout.Token);
        var outDirectory = _layout.NewPath("out");
        await Copy(_registry.ImageReference(repository, "docker"), $"dir:{outDirectory}", _registry.Access, null);

        Assert.Equal(MediaTypeNames.DockerManifest, image.MediaType);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        Assert.Equal(MediaTypeNames.DockerManifest, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(image.ManifestDigest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(image.Manifest, body);
        Assert.Equal(image.Manifest, OciLayoutReader.ReadDirManifest(outDirectory));
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadDirBlob(outDirectory, blob.Digest)));
        }
    }

    [Fact]
    public async Task ListTags_TwoTagsPushed_ListsBoth()
    {
        var image = _layout.AddImage("one", layerCount: 1, layerSize: 1024);
        var repository = NewRepository();
        await Copy(image.Reference, _registry.ImageReference(repository, "one"), null, _registry.Access);
        await Copy(image.Reference, _registry.ImageReference(repository, "two"), null, _registry.Access);

        var result = await _skopeo.ListTagsAsync($"docker://{_registry.Host}/{repository}", _registry.Access, _timeout.Token);

        result.EnsureSuccess();
        using var json = JsonDocument.Parse(result.StandardOutputBytes);
        var tags = json.RootElement.GetProperty("Tags").EnumerateArray().Select(tag => tag.GetString()).Order().ToList();
        Assert.Equal(["one", "two"], tags);
    }

    [Fact]
    public async Task Inspect_PushedImage_ReportsDigestArchitectureAndLayers()
    {
        var image = _layout.AddImage("inspect", platform: ImagePlatform.LinuxArm64);
        var repository = NewRepository();
        await Copy(image.Reference, _registry.ImageReference(repository, "inspect"), null, _registry.Access);

        var result = await _skopeo.InspectAsync(_registry.ImageReference(repository, "inspect"), raw: false, _registry.Access, _timeout.Token);

        result.EnsureSuccess();
        using var json = JsonDocument.Parse(result.StandardOutputBytes);
        Assert.Equal(image.ManifestDigest, json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("arm64", json.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal(image.Layers.Select(layer => layer.Digest), json.RootElement.GetProperty("Layers").EnumerateArray().Select(layer => layer.GetString()));
    }

    [Fact]
    public async Task InspectConfig_PushedImage_ReturnsConfigBlob()
    {
        var image = _layout.AddImage("config", layerCount: 1, layerSize: 4096);
        var repository = NewRepository();
        await Copy(image.Reference, _registry.ImageReference(repository, "config"), null, _registry.Access);

        var result = await _skopeo.InspectConfigAsync(_registry.ImageReference(repository, "config"), _registry.Access, _timeout.Token);

        result.EnsureSuccess();
        Assert.Equal(image.Config!.Digest, OciLayoutBuilder.DigestOf(result.StandardOutputBytes));
    }

    [Fact]
    public async Task Delete_ByDigest_ManifestIsGone()
    {
        var image = _layout.AddImage("gone", layerCount: 1, layerSize: 1024);
        var repository = NewRepository();
        await Copy(image.Reference, _registry.ImageReference(repository, "gone"), null, _registry.Access);

        var deleted = await _skopeo.DeleteAsync(_registry.ImageReference(repository, image.ManifestDigest), _registry.Access, _timeout.Token);
        var inspected = await _skopeo.InspectAsync(_registry.ImageReference(repository, image.ManifestDigest), raw: true, _registry.Access, _timeout.Token);

        deleted.EnsureSuccess();
        Assert.False(inspected.Succeeded, inspected.ToString());
        Assert.Contains("manifest unknown", inspected.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }

    private static string NewRepository() => $"test/{Guid.NewGuid():N}";

    private async Task Copy(string source, string destination, RegistryAccess? sourceAccess, RegistryAccess? destinationAccess, bool all = false)
    {
        var result = await _skopeo.CopyAsync(source, destination, sourceAccess, destinationAccess, all, preserveDigests: true, cancellationToken: _timeout.Token);
        result.EnsureSuccess();
    }

    private async Task<byte[]> InspectRaw(string image)
    {
        var result = await _skopeo.InspectAsync(image, raw: true, _registry.Access, _timeout.Token);
        return result.EnsureSuccess().StandardOutputBytes;
    }
}
