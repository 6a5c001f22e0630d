using System.Text.Json;

namespace EdgeRegistry.Integration.Tests.Harness;

public sealed class OciLayoutBuilderTests : IDisposable
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task AddImage_ThreeLayers_SkopeoReadsTheManifestWithTheExpectedDigest()
    {
        var image = _layout.AddImage("v1", layerCount: 3, layerSize: 300 * 1024);

        var raw = await _skopeo.InspectAsync(image.Reference, raw: true, cancellationToken: _timeout.Token);

        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(raw.EnsureSuccess().StandardOutputBytes));
        Assert.Equal(3, image.Layers.Count);
        Assert.All(image.Layers, layer => Assert.InRange(layer.Size, 300 * 1024, 400 * 1024));
        Assert.Equal(3, image.Layers.Select(layer => layer.Digest).Distinct().Count());
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(_layout.LayoutPath, "v1").Digest);
    }

    [Fact]
    public async Task AddImage_Config_ListsOneDiffIdPerLayerAndThePlatform()
    {
        var image = _layout.AddImage("cfg", layerCount: 2, layerSize: 2048, platform: ImagePlatform.LinuxArm64);

        var inspected = await _skopeo.InspectAsync(image.Reference, raw: false, cancellationToken: _timeout.Token);

        // skopeo (inspect without --raw) reads the config blob and checks it against the manifest.
        using var json = JsonDocument.Parse(inspected.EnsureSuccess().StandardOutputBytes);
        Assert.Equal("arm64", json.RootElement.GetProperty("Architecture").GetString());
        Assert.Equal("linux", json.RootElement.GetProperty("Os").GetString());
        using var config = JsonDocument.Parse(OciLayoutReader.ReadBlob(_layout.LayoutPath, image.Config!.Digest));
        Assert.Equal(2, config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
    }

    [Fact]
    public async Task AddIndex_TwoPlatforms_SkopeoReadsTheIndexWithBothPlatforms()
    {
        var index = _layout.AddIndex("multi");

        var raw = await _skopeo.InspectAsync(index.Reference, raw: true, cancellationToken: _timeout.Token);

        var bytes = raw.EnsureSuccess().StandardOutputBytes;
        Assert.Equal(index.ManifestDigest, OciLayoutBuilder.DigestOf(bytes));
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal(MediaTypeNames.OciIndex, json.RootElement.GetProperty("mediaType").GetString());
        var platforms = json.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(entry => $"{entry.GetProperty("platform").GetProperty("os").GetString()}/{entry.GetProperty("platform").GetProperty("architecture").GetString()}")
            .ToList();
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms);
        Assert.NotEqual(index.Children[0].ManifestDigest, index.Children[1].ManifestDigest);
    }

    [Fact]
    public async Task AddDockerSchema2Image_DirLayout_SkopeoReadsADockerManifest()
    {
        var image = _layout.AddDockerSchema2Image("docker");

        var raw = await _skopeo.InspectAsync(image.Reference, raw: true, cancellationToken: _timeout.Token);

        var bytes = raw.EnsureSuccess().StandardOutputBytes;
        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(bytes));
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal(MediaTypeNames.DockerManifest, json.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(MediaTypeNames.DockerConfig, json.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.All(json.RootElement.GetProperty("layers").EnumerateArray(), layer => Assert.Equal(MediaTypeNames.DockerLayerGzip, layer.GetProperty("mediaType").GetString()));
    }

    [Fact]
    public void AddImage_TwoImages_DifferentDigestsBothTagged()
    {
        var first = _layout.AddImage("a", layerCount: 1, layerSize: 512);
        var second = _layout.AddImage("b", layerCount: 1, layerSize: 512);

        Assert.NotEqual(first.ManifestDigest, second.ManifestDigest);
        Assert.Equal(first.ManifestDigest, OciLayoutReader.FindTagged(_layout.LayoutPath, "a").Digest);
        Assert.Equal(second.ManifestDigest, OciLayoutReader.FindTagged(_layout.LayoutPath, "b").Digest);
    }

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }
}
