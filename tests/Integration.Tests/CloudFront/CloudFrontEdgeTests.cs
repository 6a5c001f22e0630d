using System.Globalization;
using System.Net;
using EdgeRegistry.Edge;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Integration.Tests.CloudFront;

/// <summary>
/// An edge with the cloudFront section in front of the origin process with the cloudfront middleware, both
/// signing for the stand-in CloudFront: skopeo pulls through the edge, large layers come from the CDN, small
/// blobs from the edge's cache, and with background fill the next pull is all local.
/// </summary>
public sealed class CloudFrontEdgeTests(CloudFrontOriginFixture fixture) : IClassFixture<CloudFrontOriginFixture>, IDisposable
{
    private const int LayerSize = 300_000;
    private const int Threshold = 200_000;

    private readonly OciLayoutBuilder layout = new();
    private readonly Skopeo skopeo = new();
    private readonly TempDirectory cache = new("edge-cache-");
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromMinutes(3));

    public void Dispose()
    {
        layout.Dispose();
        skopeo.Dispose();
        cache.Dispose();
        timeout.Dispose();
    }

    [Fact]
    public async Task Copy_ThroughTheEdge_LargeLayersFromTheCdnThenFromTheCache()
    {
        var image = layout.AddImage("v1", layerCount: 2, layerSize: LayerSize);
        var repository = "cdn/edge-" + Guid.NewGuid().ToString("N")[..8];
        (await skopeo.CopyAsync(image.Reference, fixture.Origin.ImageReference(repository, "v1"), null, fixture.Origin.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        await using var edge = await StartEdgeAsync(backgroundFill: true);
        var edgeImage = $"docker://{edge.Url.Authority}/{repository}:v1";
        var servedBefore = fixture.CloudFront.Served;

        var first = layout.NewPath("first");
        (await skopeo.CopyAsync(edgeImage, $"oci:{first}:v1", RegistryAccess.Insecure, null, cancellationToken: timeout.Token)).EnsureSuccess();

        AssertSameBlobs(image, first);
        Assert.Equal(image.Layers.Count, await MetricAsync(edge, "edge_cdn_redirects_total"));
        Assert.True(fixture.CloudFront.Served - servedBefore >= image.Layers.Count);

        // The background fills (through the origin, which itself redirects to the CDN) put the layers on this node.
        var fills = 1 + image.Layers.Count;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await MetricAsync(edge, "edge_fills_total{result=\"succeeded\"}") < fills && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, timeout.Token);
        }

        var second = layout.NewPath("second");
        (await skopeo.CopyAsync(edgeImage, $"oci:{second}:v1", RegistryAccess.Insecure, null, cancellationToken: timeout.Token)).EnsureSuccess();

        AssertSameBlobs(image, second);
        Assert.Equal(image.Layers.Count, await MetricAsync(edge, "edge_cdn_redirects_total"));
        Assert.Equal(fills, await MetricAsync(edge, "edge_fills_total{result=\"succeeded\"}"));
    }

    [Fact]
    public async Task GetBlob_LargeMissAtTheEdge_SignedForTheSameKeyAsTheOriginSigns()
    {
        var image = layout.AddImage("v1", layerCount: 1, layerSize: LayerSize);
        var repository = "cdn/edge-" + Guid.NewGuid().ToString("N")[..8];
        (await skopeo.CopyAsync(image.Reference, fixture.Origin.ImageReference(repository, "v1"), null, fixture.Origin.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        await using var edge = await StartEdgeAsync(backgroundFill: false);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var layer = image.Layers[0].Digest;

        using var fromEdge = await client.GetAsync(new Uri(edge.Url, $"v2/{repository}/blobs/{layer}"), timeout.Token);
        using var fromOrigin = await client.GetAsync(new Uri(fixture.Origin.BaseAddress, $"v2/{repository}/blobs/{layer}"), timeout.Token);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, fromEdge.StatusCode);
        var edgeUrl = Origin.Tests.Storage.CloudFront.SignedCloudFrontUrl.Parse(fromEdge.Headers.Location!);
        var originUrl = Origin.Tests.Storage.CloudFront.SignedCloudFrontUrl.Parse(fromOrigin.Headers.Location!);
        Assert.Equal(originUrl.Resource, edgeUrl.Resource);
        Assert.True(edgeUrl.VerifiesWith(fixture.Key));
        using var plain = new HttpClient();
        Assert.Equal(layer, OciLayoutBuilder.DigestOf(await plain.GetByteArrayAsync(fromEdge.Headers.Location, timeout.Token)));
    }

    private static void AssertSameBlobs(GeneratedImage image, string outLayout)
    {
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "v1").Digest);
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(outLayout, blob.Digest)));
        }
    }

    private async Task<double> MetricAsync(RunningEdge edge, string sample)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync(new Uri(edge.Url, "metrics"), timeout.Token);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private async Task<RunningEdge> StartEdgeAsync(bool backgroundFill)
    {
        var app = EdgeApp.Build([], new EdgeOptions
        {
            Listen = "127.0.0.1:0",
            Origin = new EdgeRegistry.Edge.Configuration.OriginOptions { Url = fixture.Origin.BaseAddress, Timeout = TimeSpan.FromSeconds(10), Retries = 1 },
            Cache = new CacheOptions { Directory = cache.Path },
            Log = new LogOptions { Level = "warning" },
            CloudFront = new CloudFrontOptions
            {
                BaseUrl = fixture.CloudFront.BaseUrl,
                PrivateKey = fixture.PrivateKeyPath,
                KeyPairId = CloudFrontOrigin.KeyPairId,
                ThresholdBytes = Threshold,
                BackgroundFill = backgroundFill,
                RootDirectory = CloudFrontOriginFixture.RootDirectory,
            },
        });
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningEdge(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private sealed record RunningEdge(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
