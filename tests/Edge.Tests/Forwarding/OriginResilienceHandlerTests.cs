using System.Net;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.Forwarding;

public sealed class OriginResilienceHandlerTests
{
    [Fact]
    public async Task Get_OriginFailsOnceWith503_RetriedAndServed()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(2000, seed: 40);
        var digest = origin.AddBlob(content);

        // Pull-through off: its image stream lookup would be the origin's first request, not the blob GET counted here.
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => o with { PullThrough = o.PullThrough with { Enabled = false } });
        origin.FailNext(1);

        using var response = await edge.Client.GetAsync($"/v2/team/app/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, origin.Requests);
    }

    [Fact]
    public async Task Post_OriginAnswers503_NotRetried()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        origin.FailNext(1);

        using var response = await edge.Client.PostAsync("/v2/team/app/blobs/uploads/", content: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, origin.Requests);
    }

    [Fact]
    public async Task Get_OriginKeepsFailing_CircuitOpensAndOriginIsNoLongerAsked()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => o with
        {
            Origin = o.Origin with { Retries = 0, BreakDuration = TimeSpan.FromMinutes(5) },
        });
        origin.FailNext(1000);

        for (var i = 0; i < 20; i++)
        {
            using var response = await edge.Client.GetAsync("/v2/team/app/tags/list");
            Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway, response.StatusCode.ToString());
        }

        Assert.True(origin.Requests < 20, $"origin saw {origin.Requests} requests");
    }
}
