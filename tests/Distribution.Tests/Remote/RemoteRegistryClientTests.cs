using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>The client against Debian's docker-registry over plain HTTP, listed as insecure.</summary>
public sealed class RemoteRegistryClientTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private RemoteRegistryClient NewClient(RemoteRegistryOptions? options = null) =>
        new(fixture.Registry.Host, (options ?? new RemoteRegistryOptions()) with { InsecureRegistries = [fixture.Registry.Host] });

    [Fact]
    public async Task GetManifestAsync_ByTag_ReturnsExactPayloadMediaTypeAndDigest()
    {
        using var client = NewClient();

        var manifest = await client.GetManifestAsync("edge/app", Tag("v1"), null, Ct);

        Assert.Equal(fixture.App.Manifest, manifest.Payload.ToArray());
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
    }

    [Fact]
    public async Task GetManifestAsync_ByDigest_ReturnsVerifiedPayload()
    {
        using var client = NewClient();

        var manifest = await client.GetManifestAsync("edge/app", new Reference(null, fixture.App.ManifestDigest), [MediaTypes.OciManifest], Ct);

        Assert.Equal(fixture.App.Manifest, manifest.Payload.ToArray());
        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
    }

    [Fact]
    public async Task GetManifestAsync_UnknownTag_ThrowsManifestUnknown()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", Tag("nope"), null, Ct));

        Assert.Equal(ErrorCode.ManifestUnknown, error.Error);
        Assert.Contains(fixture.Registry.Host, error.Message);
    }

    [Fact]
    public async Task GetManifestAsync_UnknownRepository_ThrowsManifestUnknown()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/missing", Tag("v1"), null, Ct));

        Assert.Equal(ErrorCode.ManifestUnknown, error.Error);
    }

    [Fact]
    public async Task GetManifestAsync_InvalidRepositoryName_ThrowsNameInvalidWithoutRequest()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("Edge/App", Tag("v1"), null, Ct));

        Assert.Equal(ErrorCode.NameInvalid, error.Error);
    }

    [Fact]
    public async Task GetManifestAsync_ManifestOverLimit_ThrowsManifestInvalid()
    {
        using var client = NewClient(new RemoteRegistryOptions { MaxManifestBytes = 100 });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", Tag("v1"), null, Ct));

        Assert.Equal(ErrorCode.ManifestInvalid, error.Error);
    }

    [Fact]
    public async Task HeadManifestAsync_ByTag_ReturnsDigestMediaTypeAndSize()
    {
        using var client = NewClient();

        var info = await client.HeadManifestAsync("edge/app", Tag("v1"), null, Ct);

        Assert.Equal(fixture.App.ManifestDigest, info.Digest);
        Assert.Equal(MediaTypes.OciManifest, info.MediaType);
        Assert.Equal(fixture.App.Manifest.Length, info.Size);
    }

    [Fact]
    public async Task HeadManifestAsync_UnknownTag_ThrowsManifestUnknown()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync("edge/app", Tag("absent"), null, Ct));

        Assert.Equal(ErrorCode.ManifestUnknown, error.Error);
    }

    [Fact]
    public async Task OpenBlobAsync_WholeBlob_StreamsVerifiedBytesWithLength()
    {
        using var client = NewClient();

        await using var blob = await client.OpenBlobAsync("edge/app", fixture.App.LayerDigest, null, Ct);
        var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy, Ct);

        Assert.True(blob.IsVerified);
        Assert.Equal(0, blob.Offset);
        Assert.Equal(fixture.App.Layer.Length, blob.Length);
        Assert.Equal(fixture.App.Layer.Length, blob.TotalLength);
        Assert.Equal(fixture.App.Layer, copy.ToArray());
        Assert.True(((DigestVerifyingStream)blob.Content).IsVerified);
    }

    [Fact]
    public async Task OpenBlobAsync_FromOffset_StreamsTheRest()
    {
        using var client = NewClient();
        const int offset = 1_000_003;

        await using var blob = await client.OpenBlobAsync("edge/app", fixture.App.LayerDigest, offset, Ct);
        var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy, Ct);

        Assert.Equal(offset, blob.Offset);
        Assert.Equal(fixture.App.Layer.Length - offset, blob.Length);
        Assert.Equal(fixture.App.Layer.Length, blob.TotalLength);
        Assert.Equal(fixture.App.Layer.AsSpan(offset).ToArray(), copy.ToArray());
    }

    [Fact]
    public async Task OpenBlobAsync_UnknownDigest_ThrowsBlobUnknown()
    {
        using var client = NewClient();
        var unknown = DigestHasher.Compute("not pushed"u8);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.OpenBlobAsync("edge/app", unknown, null, Ct));

        Assert.Equal(ErrorCode.BlobUnknown, error.Error);
    }

    [Fact]
    public async Task BlobExistsAsync_PushedAndUnknown_TrueAndFalse()
    {
        using var client = NewClient();

        Assert.True(await client.BlobExistsAsync("edge/app", fixture.App.ConfigDigest, Ct));
        Assert.False(await client.BlobExistsAsync("edge/app", DigestHasher.Compute("never pushed"u8), Ct));
    }

    [Fact]
    public async Task Endpoint_InsecureRegistryWithoutAlias_FallsBackFromTlsToPlainHttp()
    {
        using var client = NewClient();
        Assert.Equal("https", client.Endpoint.Scheme);

        await client.HeadManifestAsync("edge/app", Tag("v1"), null, Ct);

        Assert.Equal(new Uri($"http://{fixture.Registry.Host}/"), client.Endpoint);
    }

    [Fact]
    public async Task GetManifestAsync_DockerHubAliasedToLocalRegistry_ReadsOfficialImageUnderLibrary()
    {
        var options = new RemoteRegistryOptions
        {
            Aliases = new Dictionary<string, string> { ["docker.io"] = fixture.Registry.BaseAddress.ToString() },
            InsecureRegistries = [fixture.Registry.Host],
        };
        using var client = new RemoteRegistryClient("index.docker.io", options);

        var manifest = await client.GetManifestAsync("busybox", Tag("latest"), null, Ct);

        Assert.Equal("docker.io", client.Registry);
        Assert.Equal(fixture.Busybox.ManifestDigest, manifest.Digest);
    }

    [Fact]
    public void Constructor_PlainHttpAliasForRegistryNotInsecure_Throws()
    {
        var options = new RemoteRegistryOptions
        {
            Aliases = new Dictionary<string, string> { ["docker.io"] = fixture.Registry.BaseAddress.ToString() },
        };

        var error = Assert.Throws<ArgumentException>(() => new RemoteRegistryClient("docker.io", options));

        Assert.Contains("docker.io", error.Message);
        Assert.Contains("InsecureRegistries", error.Message);
    }

    [Fact]
    public void Constructor_RegistryOffTheAllowlist_ThrowsDeniedNamingIt()
    {
        var options = new RemoteRegistryOptions { AllowedRegistries = ["registry.access.redhat.com"], InsecureRegistries = [fixture.Registry.Host] };

        var error = Assert.Throws<RegistryException>(() => new RemoteRegistryClient(fixture.Registry.Host, options));

        Assert.Equal(ErrorCode.Denied, error.Error);
        Assert.Contains(fixture.Registry.Host, error.Message);
    }

    [Fact]
    public async Task Factory_AllowlistedRegistry_ServesAndReusesOneClient()
    {
        var options = new RemoteRegistryOptions { AllowedRegistries = ["127.0.0.1"], InsecureRegistries = ["127.0.0.0/8"] };
        using var factory = new RemoteRegistryClientFactory(options);

        var client = factory.GetClient(fixture.Registry.Host);
        var again = factory.GetClient(ImageReference.Parse($"{fixture.Registry.Host}/edge/app:v1"));
        var manifest = await client.GetManifestAsync("edge/app", Tag("v1"), null, Ct);

        Assert.Same(client, again);
        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
    }

    [Fact]
    public void Factory_RegistryOffTheAllowlist_ThrowsDenied()
    {
        using var factory = new RemoteRegistryClientFactory(new RemoteRegistryOptions { AllowedRegistries = ["*.example.com"] });

        var error = Assert.Throws<RegistryException>(() => factory.GetClient("docker.io"));

        Assert.Equal(ErrorCode.Denied, error.Error);
        Assert.Contains("docker.io", error.Message);
    }

    [Fact]
    public async Task ListTagsAsync_Repository_ListsItsTags()
    {
        using var client = NewClient();

        Assert.Equal(["v1"], await client.ListTagsAsync("edge/app", 100, Ct));
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync("edge/missing", 100, Ct));
        Assert.Equal(ErrorCode.NameUnknown, error.Error);
    }

    [Fact]
    public async Task ListTagsAsync_PagedWithLinkHeaders_FollowsThemOnThisRegistryUpToTheLimit()
    {
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var peer = await KestrelPeer.StartAsync(async context =>
        {
            asked.Enqueue(context.Request.Path + context.Request.QueryString);
            var last = context.Request.Query["last"].ToString();
            context.Response.ContentType = "application/json";
            if (last.Length == 0)
            {
                // An absolute link naming another host: only its path and query are used.
                context.Response.Headers["Link"] = "<https://elsewhere.example.com/v2/edge/app/tags/list?n=2&last=b>; rel=\"next\"";
                await context.Response.WriteAsync("""{"name":"edge/app","tags":["a","b"]}""");
            }
            else if (last == "b")
            {
                context.Response.Headers["Link"] = "</v2/edge/app/tags/list?n=2&last=d>; rel=\"next\"";
                await context.Response.WriteAsync("""{"name":"edge/app","tags":["c","not a tag","d"]}""");
            }
            else
            {
                await context.Response.WriteAsync("""{"name":"edge/app","tags":["e"]}""");
            }
        });
        var registry = $"127.0.0.1:{peer.BaseUri.Port}";
        using var client = new RemoteRegistryClient(registry, new RemoteRegistryOptions { InsecureRegistries = [registry], Aliases = new Dictionary<string, string> { [registry] = peer.BaseUri.ToString() } });

        var all = await client.ListTagsAsync("edge/app", 100, Ct);
        var limited = await client.ListTagsAsync("edge/app", 3, Ct);

        Assert.Equal(["a", "b", "c", "d", "e"], all);
        Assert.Equal(["a", "b", "c"], limited);
        Assert.Contains("/v2/edge/app/tags/list?n=2&last=b", asked);
    }

    private static Reference Tag(string tag) => new(tag, null);
}
