using System.Net;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.CloudFront;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.PullThrough;

/// <summary>
/// Pull-through at the edge: a fake origin whose image stream status names <c>docker.io/library/app</c>, and a fake
/// remote registry serving docker.io. Cache misses go to the remote once the origin authorized the client.
/// </summary>
public sealed class PullThroughSourcesTests
{
    private const string Repository = "team/app";

    [Fact]
    public async Task Get_ImageStreamNamesRemote_FilledFromRemoteAfterOriginAuthorized()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(700_000, seed: 501);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        origin.SetImageStream(Repository, Imported(digest));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote));

        var first = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");
        var second = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(content, first);
        Assert.Equal(content, second);
        Assert.Equal(1, remote.BlobGets(digest));
        Assert.Equal(0, origin.BlobGets(digest));
        Assert.Contains($"GET /v2/library/app/blobs/{digest}", remote.RequestLines);
        Assert.Contains($"HEAD /v2/{Repository}/blobs/{digest}", origin.RequestLines);
        Assert.Equal(1, await edge.MetricAsync("edge_pullthrough_fills_total{source=\"remote\"}"));
        Assert.Equal(content.Length, await edge.MetricAsync("edge_upstream_fetched_bytes_total{registry=\"docker.io\"}"));
    }

    [Fact]
    public async Task Get_RemoteLacksBlob_FilledFromOrigin()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(200_000, seed: 502);
        var digest = origin.AddBlob(content);
        origin.SetImageStream(Repository, Imported(digest));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote));

        var body = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(content, body);
        Assert.Contains($"GET /v2/library/app/blobs/{digest}", remote.RequestLines);
        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(1, await edge.MetricAsync("edge_pullthrough_fills_total{source=\"origin\"}"));
    }

    [Fact]
    public async Task Get_OriginRefusesClient_RemoteNeverAsked()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var alice = FakeOrigin.Basic("alice", "secret");
        origin.AllowedCredentials = [alice];
        var known = origin.AddBlob(FakeOrigin.RandomBytes(10_000, seed: 503));
        var secret = origin.AddBlob(FakeOrigin.RandomBytes(10_000, seed: 504));
        remote.AddBlob(FakeOrigin.RandomBytes(10_000, seed: 503));
        remote.AddBlob(FakeOrigin.RandomBytes(10_000, seed: 504));
        origin.SetImageStream(Repository, Imported(known));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote));

        // Alice's miss reads the image stream, so the edge knows the repository's remote from then on.
        using var allowed = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{known}") { Headers = { { "Authorization", alice } } };
        using var allowedResponse = await edge.Client.SendAsync(allowed);
        using var refused = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{secret}") { Headers = { { "Authorization", FakeOrigin.Basic("mallory", "guess") } } };
        using var refusedResponse = await edge.Client.SendAsync(refused);

        Assert.Equal(HttpStatusCode.OK, allowedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedResponse.StatusCode);
        Assert.Contains("DENIED", await refusedResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, remote.BlobGets(known));
        Assert.Equal(0, remote.BlobGets(secret));
    }

    [Fact]
    public async Task Get_RemoteOffTheAllowlist_FilledFromOrigin()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(50_000, seed: 505);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        origin.SetImageStream(Repository, Imported(digest));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote, allowed: ["quay.io"]));

        var body = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(content, body);
        Assert.Equal(0, remote.Requests);
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_StatusNamesOnlyImagesPushedToTheOrigin_FilledFromOrigin()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(50_000, seed: 506);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        origin.SetImageStream(Repository, new Dictionary<string, string[]> { ["latest"] = [$"{origin.Url.Authority}/{Repository}@{digest}"] });
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote));

        var body = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(content, body);
        Assert.Equal(0, remote.Requests);
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_PullThroughDisabled_ImageStreamNotAsked()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(50_000, seed: 507);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        origin.SetImageStream(Repository, Imported(digest));
        var upstream = Upstreams.DockerIoAt(remote);
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => upstream(o) with { PullThrough = o.PullThrough with { Enabled = false } });

        var body = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(content, body);
        Assert.DoesNotContain(origin.RequestLines, line => line.Contains("/apis/", StringComparison.Ordinal));
        Assert.Equal(0, remote.Requests);
    }

    [Fact]
    public async Task Get_SixteenConcurrentColdClients_OneRemoteGetAndNoOriginGet()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(8 * 1024 * 1024, seed: 508);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content, holdAt: 1024 * 1024);
        origin.SetImageStream(Repository, Imported(digest));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote));

        // The remote holds the body after 1 MiB, so the fill cannot end before every client has its response headers.
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead)));
        remote.Release(digest);
        var digests = await Task.WhenAll(responses.Select(async response =>
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await FakeOrigin.DigestOfAsync(await response.Content.ReadAsStreamAsync());
            }
        }));

        Assert.All(digests, d => Assert.Equal(digest, d));
        Assert.Equal(1, remote.BlobGets(digest));
        Assert.Equal(0, origin.BlobGets(digest));
        Assert.Equal(1, origin.RequestLines.Count(line => line.Contains("/apis/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Get_RemoteSendsWrongBytes_NeverServedWholeNorCached()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(400_000, seed: 509);
        var wrong = (byte[])content.Clone();
        wrong[wrong.Length / 2] ^= 0xff;
        var digest = origin.AddBlob(content);
        remote.AddBlob(content, served: wrong);
        origin.SetImageStream(Repository, Imported(digest));
        await using var edge = await EdgeHost.StartAsync(origin.Url, Upstreams.DockerIoAt(remote));

        var received = await Upstreams.ReadAsMuchAsPossibleAsync(edge.Client, $"/v2/{Repository}/blobs/{digest}");
        var wrongFetches = remote.BlobGets(digest);
        remote.Fix(digest, content);
        var retried = await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.True(received < content.Length, $"the client received {received} of {content.Length} bytes");
        Assert.InRange(wrongFetches, 1, 3);

        // Nothing of the wrong fetches was kept: the next request fetched again, and got the right bytes.
        Assert.Equal(content, retried);
        Assert.Equal(wrongFetches + 1, remote.BlobGets(digest));
        Assert.Equal(0, origin.BlobGets(digest));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_ClientHoldsARegistryToken_RemoteUsedOnlyWithTheEdgesToken(bool edgeToken)
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        using var directory = new TempDirectory();
        var tokenFile = Path.Combine(directory.Path, "token");
        await File.WriteAllTextAsync(tokenFile, "edge-access-token\n");
        const string registryToken = "Bearer registry-token-of-a-client";
        origin.AllowedCredentials = [registryToken];
        origin.ImageStreamCredentials = ["Bearer edge-access-token"];
        var content = FakeOrigin.RandomBytes(60_000, seed: 512);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        origin.SetImageStream(Repository, Imported(digest));
        var upstream = Upstreams.DockerIoAt(remote);
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => upstream(o) with
        {
            PullThrough = o.PullThrough with { TokenFile = edgeToken ? tokenFile : null },
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{digest}") { Headers = { { "Authorization", registryToken } } };
        using var response = await edge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(edgeToken ? 1 : 0, remote.BlobGets(digest));
        Assert.Equal(edgeToken ? 0 : 1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_CloudFrontConfigured_RepositoryWithRemoteImagesPulledThroughNotRedirected()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var remote = await FakeOrigin.StartAsync();
        using var key = new CloudFrontKey();
        var content = FakeOrigin.RandomBytes(300_000, seed: 510);
        var digest = origin.AddBlob(content);
        remote.AddBlob(content);
        var pushed = origin.AddBlob(FakeOrigin.RandomBytes(300_000, seed: 511));
        origin.SetImageStream(Repository, Imported(digest));
        var upstream = Upstreams.DockerIoAt(remote);
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => upstream(o) with
        {
            CloudFront = new CloudFrontOptions
            {
                BaseUrl = new Uri("https://d111111abcdef8.cloudfront.net/"),
                PrivateKey = key.PrivateKeyPath,
                KeyPairId = CloudFrontKey.KeyPairId,
                ThresholdBytes = 100_000,
            },
        });

        using var imported = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        using var elsewhere = await edge.Client.GetAsync($"/v2/team/pushed/blobs/{pushed}");

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(content, await imported.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, remote.BlobGets(digest));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, elsewhere.StatusCode);
    }

    private static Dictionary<string, string[]> Imported(Digest digest) => new()
    {
        ["latest"] = [$"docker.io/library/app@sha256:{new string('a', 64)}"],
        ["v1"] = [$"docker.io/library/app@{digest}"],
    };
}
