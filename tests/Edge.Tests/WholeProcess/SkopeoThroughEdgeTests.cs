using System.Net;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.WholeProcess;

/// <summary>skopeo pulls and pushes through an in-process edge in front of Debian's docker-registry.</summary>
public sealed class SkopeoThroughEdgeTests
{
    private static EdgeOptions LongTtl(EdgeOptions options) => options with
    {
        Authorization = new AuthorizationOptions { Ttl = TimeSpan.FromMinutes(10) },
        Manifests = new ManifestOptions { StaleIfError = TimeSpan.FromMinutes(10) },
    };

    // The access log tells which requests reached the registry (the cache tests count its blob GETs).
    private static Task<DockerRegistryProcess> StartRegistryAsync(IReadOnlyDictionary<string, string>? users = null) =>
        DockerRegistryProcess.StartAsync(new DockerRegistryOptions { AccessLog = true, Users = users ?? new Dictionary<string, string>() }, CancellationToken.None);

    private static async Task<OciImage> PushAsync(DockerRegistryProcess registry, TempDirectory work, string repository, string tag, bool multiPlatform, string? credentials = null)
    {
        var layout = work.Combine("source");
        var image = new OciImage(layout);
        image.AddImage("amd64", seed: 1, 300_000, 1_200_000, 50_000);
        if (multiPlatform)
        {
            image.AddImage("arm64", seed: 2, 400_000, 700_000);
        }

        image.Save(tag);
        await Skopeo.CopyAsync($"oci:{layout}:{tag}", $"docker://{registry.Host}/{repository}:{tag}", destinationCredentials: credentials, all: multiPlatform);
        return image;
    }

    [Fact]
    public async Task Pull_MultiLayerImage_DigestsIdenticalAndSecondPullServedFromCache()
    {
        using var work = new TempDirectory();
        await using var registry = await StartRegistryAsync();
        var image = await PushAsync(registry, work, "team/app", "v1", multiPlatform: false);
        await using var edge = await EdgeHost.StartAsync(registry.BaseAddress, LongTtl);

        var first = work.Combine("first");
        await Skopeo.CopyAsync($"docker://{edge.HostPort}/team/app:v1", $"oci:{first}:v1");
        var blobGetsAfterFirst = registry.BlobGets;
        var second = work.Combine("second");
        await Skopeo.CopyAsync($"docker://{edge.HostPort}/team/app:v1", $"oci:{second}:v1");

        Assert.Equal([image.TopDigest.ToString()], OciImage.IndexDigests(first));
        Assert.Equal([image.TopDigest.ToString()], OciImage.IndexDigests(second));
        Assert.Empty(OciImage.CorruptBlobs(first));
        Assert.Equal(4, blobGetsAfterFirst);
        Assert.Equal(blobGetsAfterFirst, registry.BlobGets);
    }

    [Fact]
    public async Task Pull_MultiPlatformImage_AllPlatformsIdentical()
    {
        using var work = new TempDirectory();
        await using var registry = await StartRegistryAsync();
        var image = await PushAsync(registry, work, "team/multi", "v2", multiPlatform: true);
        await using var edge = await EdgeHost.StartAsync(registry.BaseAddress, LongTtl);

        var pulled = work.Combine("pulled");
        await Skopeo.CopyAsync($"docker://{edge.HostPort}/team/multi:v2", $"oci:{pulled}:v2", all: true);

        Assert.Equal([image.TopDigest.ToString()], OciImage.IndexDigests(pulled));
        var expected = Directory.GetFiles(work.Combine("source", "blobs", "sha256")).Select(Path.GetFileName).Order().ToList();
        var actual = Directory.GetFiles(Path.Combine(pulled, "blobs", "sha256")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(expected, actual);
        Assert.Empty(OciImage.CorruptBlobs(pulled));
    }

    [Fact]
    public async Task Pull_OriginDownAfterFirstPull_TagAndBlobsServedFromEdge()
    {
        using var work = new TempDirectory();
        await using var registry = await StartRegistryAsync();
        var image = await PushAsync(registry, work, "team/app", "stable", multiPlatform: true);
        await using var edge = await EdgeHost.StartAsync(registry.BaseAddress, LongTtl);
        await Skopeo.CopyAsync($"docker://{edge.HostPort}/team/app:stable", $"oci:{work.Combine("warm")}:stable", all: true);

        registry.Kill();
        var pulled = work.Combine("offline");
        await Skopeo.CopyAsync($"docker://{edge.HostPort}/team/app:stable", $"oci:{pulled}:stable", all: true);

        Assert.Equal([image.TopDigest.ToString()], OciImage.IndexDigests(pulled));
        Assert.Empty(OciImage.CorruptBlobs(pulled));
        Assert.True(await edge.MetricAsync("edge_stale_tag_answers_total") >= 1);
    }

    [Fact]
    public async Task Push_ThroughEdge_UploadsForwardedAndImageArrivesAtOrigin()
    {
        using var work = new TempDirectory();
        await using var registry = await StartRegistryAsync();
        await using var edge = await EdgeHost.StartAsync(registry.BaseAddress, LongTtl);
        var layout = work.Combine("source");
        var image = new OciImage(layout);
        image.AddImage("amd64", seed: 3, 2_000_000, 100_000);
        image.Save("pushed");

        await Skopeo.CopyAsync($"oci:{layout}:pushed", $"docker://{edge.HostPort}/team/pushed:pushed");
        var direct = work.Combine("direct");
        await Skopeo.CopyAsync($"docker://{registry.Host}/team/pushed:pushed", $"oci:{direct}:pushed");

        Assert.Equal([image.TopDigest.ToString()], OciImage.IndexDigests(direct));
        Assert.Empty(OciImage.CorruptBlobs(direct));
    }

    [Fact]
    public async Task Get_CachedBlobWithoutCredentials_OriginChallengePassedBack()
    {
        using var work = new TempDirectory();
        var users = new Dictionary<string, string> { ["alice"] = "wonderland" };
        await using var registry = await StartRegistryAsync(users);
        await PushAsync(registry, work, "team/private", "v1", multiPlatform: false, credentials: "alice:wonderland");
        await using var edge = await EdgeHost.StartAsync(registry.BaseAddress, LongTtl);
        var pulled = work.Combine("pulled");
        await Skopeo.CopyAsync($"docker://{edge.HostPort}/team/private:v1", $"oci:{pulled}:v1", sourceCredentials: "alice:wonderland");
        var layer = Directory.GetFiles(Path.Combine(pulled, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        var digest = "sha256:" + Path.GetFileName(layer);
        var blobGets = registry.BlobGets;

        using var anonymous = await edge.Client.GetAsync($"/v2/team/private/blobs/{digest}");
        using var wrongPassword = new HttpRequestMessage(HttpMethod.Get, $"/v2/team/private/blobs/{digest}");
        wrongPassword.Headers.Authorization = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(FakeOrigin.Basic("alice", "guess"));
        using var refused = await edge.Client.SendAsync(wrongPassword);
        using var rightPassword = new HttpRequestMessage(HttpMethod.Get, $"/v2/team/private/blobs/{digest}");
        rightPassword.Headers.Authorization = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(FakeOrigin.Basic("alice", "wonderland"));
        using var allowed = await edge.Client.SendAsync(rightPassword);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains($"realm=\"{DockerRegistryProcess.Realm}\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(File.ReadAllBytes(layer), await allowed.Content.ReadAsByteArrayAsync());
        Assert.Equal(blobGets, registry.BlobGets);
    }
}
