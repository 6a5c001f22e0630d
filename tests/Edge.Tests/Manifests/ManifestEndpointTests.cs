using System.Net;
using System.Text;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.Harness;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Edge.Tests.Manifests;

public sealed class ManifestEndpointTests
{
    private const string Repository = "team/app";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}");

    private static EdgeOptions Limits(EdgeOptions options) => options with
    {
        Authorization = new AuthorizationOptions { Ttl = TimeSpan.FromMinutes(5) },
        Manifests = new ManifestOptions { StaleIfError = TimeSpan.FromMinutes(10) },
    };

    [Fact]
    public async Task GetByTag_OriginDown_LastAnswerServedWithinLimit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddManifest(Repository, "v1", MediaTypes.OciManifest, Payload);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Limits, time);
        using (var fresh = await edge.Client.GetAsync($"/v2/{Repository}/manifests/v1"))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await origin.StopAsync();
        using var stale = await edge.Client.GetAsync($"/v2/{Repository}/manifests/v1");
        using var staleHead = await edge.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/manifests/v1"));
        time.Advance(TimeSpan.FromMinutes(11));
        using var tooOld = await edge.Client.GetAsync($"/v2/{Repository}/manifests/v1");

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(Payload, await stale.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), stale.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(MediaTypes.OciManifest, stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, staleHead.StatusCode);
        Assert.Equal(Payload.Length, staleHead.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tooOld.StatusCode);
    }

    [Fact]
    public async Task GetByDigest_Cached_ServedWhenOriginDown()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddManifest(Repository, "v1", MediaTypes.OciManifest, Payload);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Limits);
        Assert.Equal(Payload, await edge.Client.GetByteArrayAsync($"/v2/{Repository}/manifests/{digest}"));

        await origin.StopAsync();
        using var cached = await edge.Client.GetAsync($"/v2/{Repository}/manifests/{digest}");

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal(Payload, await cached.Content.ReadAsByteArrayAsync());
        Assert.Equal(MediaTypes.OciManifest, cached.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await edge.MetricAsync("edge_cache_hits_total{kind=\"manifest\"}"));
    }

    [Fact]
    public async Task GetByTag_OriginUp_NewAnswerFollowed()
    {
        await using var origin = await FakeOrigin.StartAsync();
        origin.AddManifest(Repository, "latest", MediaTypes.OciManifest, Payload);
        await using var edge = await EdgeHost.StartAsync(origin.Url, Limits);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/manifests/latest");

        var second = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"layers\":[{}]}");
        var digest = origin.AddManifest(Repository, "latest", MediaTypes.OciManifest, second);
        using var response = await edge.Client.GetAsync($"/v2/{Repository}/manifests/latest");

        Assert.Equal(second, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task GetByTag_Unknown_OriginAnswerPassedBack()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url, Limits);

        using var response = await edge.Client.GetAsync($"/v2/{Repository}/manifests/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("MANIFEST_UNKNOWN", await response.Content.ReadAsStringAsync());
    }
}
