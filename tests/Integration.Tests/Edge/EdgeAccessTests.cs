using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>
/// The edge in front of our origin with its access model on (<c>auth.openshift</c>, Basic challenge, access
/// tokens as passwords): what the edge has cached it serves only to clients the origin lets read it.
/// </summary>
public sealed class EdgeAccessTests(BasicOriginFixture fixture) : IClassFixture<BasicOriginFixture>, IDisposable
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private OriginProcess Origin => fixture.Origin;

    private CancellationToken Token => _timeout.Token;

    [Fact]
    public async Task Pull_ViewerThroughEdge_ServedAndCachedBlobRefusedToOthers()
    {
        const string Repository = "team/edge-access";
        var image = _layout.AddImage("v1", layerCount: 2);
        var builder = await fixture.TokenAsync("builder", Token);
        (await _skopeo.CopyAsync(image.Reference, Origin.ImageReference(Repository, "v1"), destinationAccess: Origin.Access.WithCredentials("openshift", builder), preserveDigests: true, cancellationToken: Token)).EnsureSuccess();
        await using var edge = await EdgeServer.StartAsync(Origin.BaseAddress, Token);
        var viewer = edge.Access.WithCredentials("openshift", await fixture.TokenAsync("viewer", Token));
        var puller = await fixture.TokenAsync("puller", Token);

        var first = _layout.NewPath("first");
        (await _skopeo.CopyAsync(edge.ImageReference(Repository, "v1"), $"oci:{first}:v1", sourceAccess: viewer, cancellationToken: Token)).EnsureSuccess();
        var before = await OriginCounters.ReadAsync(Origin, Token);
        var second = _layout.NewPath("second");
        (await _skopeo.CopyAsync(edge.ImageReference(Repository, "v1"), $"oci:{second}:v1", sourceAccess: viewer, cancellationToken: Token)).EnsureSuccess();
        var refusedPull = await _skopeo.CopyAsync(edge.ImageReference(Repository, "v1"), $"oci:{_layout.NewPath("refused")}:v1", sourceAccess: edge.Access.WithCredentials("openshift", puller), cancellationToken: Token);
        using var client = edge.CreateHttpClient();
        var layer = image.Layers[0].Digest;
        using var anonymous = await client.GetAsync($"v2/{Repository}/blobs/{layer}", Token);
        using var pullerRequest = new HttpRequestMessage(HttpMethod.Get, $"v2/{Repository}/blobs/{layer}");
        pullerRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"openshift:{puller}")));
        using var denied = await client.SendAsync(pullerRequest, Token);
        var after = await OriginCounters.ReadAsync(Origin, Token);

        foreach (var pulled in new[] { first, second })
        {
            Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(pulled, "v1").Digest);
            EdgeOverOriginTests.AssertBlobsIntact(pulled, image);
        }

        Assert.False(refusedPull.Succeeded, refusedPull.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic realm=\"openshift\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("DENIED", await denied.Content.ReadAsStringAsync(Token));
        Assert.Equal(before, after);
    }

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }
}
