using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>The client against docker-registry with token auth and a real token server issuing signed JWTs.</summary>
public sealed class RemoteRegistryClientBearerTests(TokenRegistryFixture fixture) : IClassFixture<TokenRegistryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Reference V1 = new("v1", null);

    private RemoteRegistryOptions Options => new() { InsecureRegistries = [fixture.Registry.Host] };

    [Fact]
    public async Task GetManifestAsync_AnonymousBearerChallenge_FetchesOneTokenAndReusesIt()
    {
        const string scope = "repository:open/app:pull";
        var before = fixture.Tokens.Fetches(scope);
        using var client = new RemoteRegistryClient(fixture.Registry.Host, Options);

        var manifest = await client.GetManifestAsync("open/app", V1, null, Ct);
        var info = await client.HeadManifestAsync("open/app", V1, null, Ct);
        await using (var blob = await client.OpenBlobAsync("open/app", fixture.Public.LayerDigest, null, Ct))
        {
            await blob.Content.CopyToAsync(Stream.Null, Ct);
        }

        Assert.Equal(fixture.Public.ManifestDigest, manifest.Digest);
        Assert.Equal(fixture.Public.ManifestDigest, info.Digest);
        Assert.Equal(1, fixture.Tokens.Fetches(scope) - before);
    }

    [Fact]
    public async Task GetManifestAsync_TokenExpired_FetchesANewOne()
    {
        const string scope = "repository:open/app:pull";
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = new RemoteRegistryClient(fixture.Registry.Host, Options, timeProvider: clock);
        await client.HeadManifestAsync("open/app", V1, null, Ct);
        var afterFirst = fixture.Tokens.Fetches(scope);

        clock.Advance(TimeSpan.FromSeconds(200));
        await client.HeadManifestAsync("open/app", V1, null, Ct);
        var stillCached = fixture.Tokens.Fetches(scope);
        clock.Advance(TimeSpan.FromSeconds(101));
        await client.HeadManifestAsync("open/app", V1, null, Ct);

        Assert.Equal(afterFirst, stillCached);
        Assert.Equal(afterFirst + 1, fixture.Tokens.Fetches(scope));
    }

    [Fact]
    public async Task GetManifestAsync_EachRepository_GetsATokenForItsOwnScope()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, Options, fixture.Tokens.Credential);
        var openBefore = fixture.Tokens.Fetches("repository:open/app:pull");
        var privateBefore = fixture.Tokens.Fetches("repository:private/app:pull");

        await client.HeadManifestAsync("open/app", V1, null, Ct);
        await client.HeadManifestAsync("private/app", V1, null, Ct);
        await client.HeadManifestAsync("open/app", V1, null, Ct);

        Assert.Equal(1, fixture.Tokens.Fetches("repository:open/app:pull") - openBefore);
        Assert.Equal(1, fixture.Tokens.Fetches("repository:private/app:pull") - privateBefore);
    }

    [Fact]
    public async Task GetManifestAsync_CredentialedTokenAsAccessToken_PullsPrivateRepository()
    {
        fixture.Tokens.UseAccessTokenField = true;
        try
        {
            using var client = new RemoteRegistryClient(fixture.Registry.Host, Options, fixture.Tokens.Credential);

            var manifest = await client.GetManifestAsync("private/app", V1, null, Ct);
            await using var blob = await client.OpenBlobAsync("private/app", fixture.Private.LayerDigest, null, Ct);
            var copy = new MemoryStream();
            await blob.Content.CopyToAsync(copy, Ct);

            Assert.Equal(fixture.Private.ManifestDigest, manifest.Digest);
            Assert.Equal(fixture.Private.Layer, copy.ToArray());
            Assert.Contains(fixture.Tokens.Credential.Username, fixture.Tokens.Users);
        }
        finally
        {
            fixture.Tokens.UseAccessTokenField = false;
        }
    }

    [Fact]
    public async Task GetManifestAsync_PrivateRepositoryWithoutCredentials_ThrowsUnauthorized()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, Options);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("private/app", V1, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
    }

    [Fact]
    public async Task GetManifestAsync_WrongCredentialsForTokenServer_ThrowsUnauthorized()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, Options, fixture.Tokens.Credential with { Password = "wrong" });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("open/app", V1, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
        Assert.Contains("refused", error.Message);
    }

    [Fact]
    public async Task GetManifestAsync_TokenResponseWithoutExpiry_LivesSixtySeconds()
    {
        const string scope = "repository:open/app:pull";
        fixture.Tokens.ExpiresIn = null;
        try
        {
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            using var client = new RemoteRegistryClient(fixture.Registry.Host, Options, timeProvider: clock);
            await client.HeadManifestAsync("open/app", V1, null, Ct);
            var afterFirst = fixture.Tokens.Fetches(scope);

            clock.Advance(TimeSpan.FromSeconds(30));
            await client.HeadManifestAsync("open/app", V1, null, Ct);
            var stillCached = fixture.Tokens.Fetches(scope);
            clock.Advance(TimeSpan.FromSeconds(31));
            await client.HeadManifestAsync("open/app", V1, null, Ct);

            Assert.Equal(afterFirst, stillCached);
            Assert.Equal(afterFirst + 1, fixture.Tokens.Fetches(scope));
        }
        finally
        {
            fixture.Tokens.ExpiresIn = 300;
        }
    }

    [Fact]
    public async Task GetManifestAsync_AliasToInsecureEndpoint_AcceptsItsPlainHttpRealm()
    {
        var options = new RemoteRegistryOptions
        {
            Aliases = new Dictionary<string, string> { ["registry.example.test"] = fixture.Registry.BaseAddress.ToString() },
            InsecureRegistries = [fixture.Registry.Host],
        };
        using var client = new RemoteRegistryClient("registry.example.test", options, fixture.Tokens.Credential);

        var manifest = await client.GetManifestAsync("open/app", V1, null, Ct);

        Assert.Equal(fixture.Public.ManifestDigest, manifest.Digest);
        Assert.True(client.IsInsecure);
    }
}
