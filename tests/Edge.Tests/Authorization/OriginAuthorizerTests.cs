using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.Harness;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Edge.Tests.Authorization;

public sealed class OriginAuthorizerTests
{
    private const string Repository = "team/app";
    private static readonly string Alice = FakeOrigin.Basic("alice", "secret");
    private static readonly string Bob = FakeOrigin.Basic("bob", "secret");

    private static async Task<HttpResponseMessage> GetAsync(EdgeHost edge, string path, string? authorization, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        return await edge.Client.SendAsync(request);
    }

    private static EdgeOptions WithTtl(EdgeOptions options) =>
        options with { Authorization = new AuthorizationOptions { Ttl = TimeSpan.FromSeconds(30) } };

    [Fact]
    public async Task Get_CachedBlobWithoutRights_OriginRefusalPassedBack()
    {
        await using var origin = await FakeOrigin.StartAsync();
        origin.AllowedCredentials = [Alice];
        var content = FakeOrigin.RandomBytes(10_000, seed: 10);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, WithTtl);
        using (var warm = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice))
        {
            Assert.Equal(content, await warm.Content.ReadAsByteArrayAsync());
        }

        using var anonymous = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", null);
        using var anonymousHead = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", null, HttpMethod.Head);
        using var bob = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Bob);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic realm=\"fake-origin\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Contains("UNAUTHORIZED", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousHead.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
        Assert.Contains("DENIED", await bob.Content.ReadAsStringAsync());
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_RightsRemovedAtOrigin_AccessEndsAfterTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var origin = await FakeOrigin.StartAsync();
        origin.AllowedCredentials = [Alice];
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(10_000, seed: 11));
        await using var edge = await EdgeHost.StartAsync(origin.Url, WithTtl, time);
        using (var warm = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        origin.AllowedCredentials = [];
        time.Advance(TimeSpan.FromSeconds(29));
        using var insideTtl = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice);
        time.Advance(TimeSpan.FromSeconds(2));
        using var afterTtl = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice);

        Assert.Equal(HttpStatusCode.OK, insideTtl.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, afterTtl.StatusCode);
    }

    [Fact]
    public async Task Get_OriginDown_ServedOnlyInsideTtlAndOnlyToAuthorizedClients()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var origin = await FakeOrigin.StartAsync();
        origin.AllowedCredentials = [Alice, Bob];
        var content = FakeOrigin.RandomBytes(10_000, seed: 12);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, WithTtl, time);
        using (var warm = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await origin.StopAsync();
        using var alice = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice);
        using var bob = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Bob);
        time.Advance(TimeSpan.FromSeconds(31));
        using var aliceAfterTtl = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice);

        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal(content, await alice.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, bob.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, aliceAfterTtl.StatusCode);
    }

    [Fact]
    public async Task Get_ManyClientsSameCredential_OneOriginHeadPerTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var origin = await FakeOrigin.StartAsync();
        origin.AllowedCredentials = [Alice, Bob];
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(1000, seed: 13));
        await using var edge = await EdgeHost.StartAsync(origin.Url, WithTtl, time);
        (await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Alice)).Dispose();

        for (var i = 0; i < 5; i++)
        {
            using var response = await GetAsync(edge, $"/v2/{Repository}/blobs/{digest}", Bob);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, await edge.MetricAsync("edge_authorization_checks_total{result=\"allowed\"}"));
    }
}
