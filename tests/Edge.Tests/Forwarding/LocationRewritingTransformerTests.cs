using System.Net;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.Forwarding;

public sealed class LocationRewritingTransformerTests
{
    [Fact]
    public async Task StartUpload_ThroughEdge_LocationPointsAtEdge()
    {
        await using var registry = await DockerRegistryProcess.StartAsync(options: null, CancellationToken.None);
        await using var edge = await EdgeHost.StartAsync(registry.BaseAddress);

        using var response = await edge.Client.PostAsync("/v2/team/app/blobs/uploads/", content: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, location.ToString());
        Assert.Equal(edge.Url.Authority, location.Authority);
        Assert.StartsWith("/v2/team/app/blobs/uploads/", location.AbsolutePath, StringComparison.Ordinal);
        Assert.NotEmpty(response.Headers.GetValues("Docker-Upload-UUID"));
    }

    [Fact]
    public void Rewrite_LocationElsewhere_LeftAlone()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1", 5001);
        var origin = new Uri("http://origin:5000");

        Assert.Equal("http://127.0.0.1:5001/v2/a/blobs/uploads/1?_state=x",
            Edge.Forwarding.LocationRewritingTransformer.Rewrite(origin, context.Request, "http://origin:5000/v2/a/blobs/uploads/1?_state=x"));
        Assert.Null(Edge.Forwarding.LocationRewritingTransformer.Rewrite(origin, context.Request, "https://bucket.s3.example/blob?sig=1"));
        Assert.Null(Edge.Forwarding.LocationRewritingTransformer.Rewrite(origin, context.Request, "/v2/a/blobs/uploads/1"));
    }
}
