using System.Net;
using System.Text.Json;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.Access;

/// <summary>The login, whoami and token endpoints under /openshift, and the Basic challenge mode.</summary>
public sealed class AccessEndpointsTests : IAsyncLifetime
{
    private AccessTestOrigin _origin = null!;

    public async Task InitializeAsync()
    {
        _origin = await AccessTestOrigin.StartAsync();
        await _origin.Store.CreateProjectAsync("team", false, CancellationToken.None);
        await _origin.UserWithTokenAsync("alice", [Roles.Registry], [("team", Roles.ImageBuilder)], password: "alice-pass");
    }

    public async Task DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task Login_Password_MintsTokenThatWorksOnV2()
    {
        using var login = _origin.Basic("alice", "alice-pass");
        using var response = await login.PostAsync("/openshift/login", null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("alice", json.RootElement.GetProperty("user").GetString());
        Assert.Equal(_origin.Clock.GetUtcNow().AddHours(24), json.RootElement.GetProperty("expires").GetDateTimeOffset());
        using var client = _origin.Basic("openshift", token);
        using var pushed = await client.PostAsync("/v2/team/app/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
    }

    [Fact]
    public async Task Login_ExpiresIn_ShortensTheLifetime()
    {
        using var login = _origin.Basic("alice", "alice-pass");
        using var response = await login.PostAsync("/openshift/login?expires_in=60", null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("token").GetString()!;
        using var client = _origin.Basic("openshift", token);

        using var before = await client.GetAsync("/v2/");
        _origin.Clock.Advance(TimeSpan.FromSeconds(61));
        using var after = await client.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Login_WrongPassword_Is401WithBasicChallenge()
    {
        using var login = _origin.Basic("alice", "wrong");
        using var response = await login.PostAsync("/openshift/login", null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Basic realm=\"openshift\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Login_AccessTokenInsteadOfPassword_Is401()
    {
        var token = await _origin.UserWithTokenAsync("bob", [Roles.Registry], []);
        using var login = _origin.Basic("bob", token);
        using var response = await login.PostAsync("/openshift/login", null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task WhoAmI_AccessToken_ShowsUserAndRoles()
    {
        var token = await _origin.UserWithTokenAsync("carol", [Roles.Registry], [("team", Roles.RegistryViewer)]);
        using var client = _origin.Bearer(token);
        using var response = await client.GetAsync("/openshift/whoami");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("carol", json.RootElement.GetProperty("name").GetString());
        Assert.Equal([Roles.Registry], json.RootElement.GetProperty("clusterRoles").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Roles.RegistryViewer, json.RootElement.GetProperty("projects")[0].GetProperty("roles")[0].GetString());
    }

    [Fact]
    public async Task WhoAmI_Anonymous_Is401()
    {
        using var client = _origin.Anonymous();
        using var response = await client.GetAsync("/openshift/whoami");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task RevokeToken_OwnToken_StopsItWorking()
    {
        var token = await _origin.UserWithTokenAsync("dave", [Roles.Registry], []);
        var id = AccessTokenService.IdOf(token)!;
        using var client = _origin.Basic("dave", token);

        using var listed = await client.GetAsync("/openshift/tokens");
        using var revoked = await client.DeleteAsync($"/openshift/tokens/{id}");
        using var after = await client.GetAsync("/v2/");

        Assert.Contains(id, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task RevokeToken_SomeoneElsesToken_IsNotFound()
    {
        var victim = await _origin.UserWithTokenAsync("erin", [Roles.Registry], []);
        var attacker = await _origin.UserWithTokenAsync("frank", [Roles.Registry], []);
        using var client = _origin.Basic("frank", attacker);

        using var response = await client.DeleteAsync($"/openshift/tokens/{AccessTokenService.IdOf(victim)}");
        using var victimClient = _origin.Basic("erin", victim);
        using var stillWorks = await victimClient.GetAsync("/v2/");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    [Fact]
    public async Task Token_HtpasswdUser_LogsInWithFilePassword()
    {
        var file = Path.Combine(_origin.Root, "users.htpasswd");
        await File.WriteAllTextAsync(file, $"# comment\nzoe:{BCrypt.Net.BCrypt.HashPassword("zoe-pass", 4)}\nbad-line\nmd5:$apr1$abc$def\n");
        await using var origin = await AccessTestOrigin.StartAsync($"auth:\n  openshift:\n    htpasswd:\n      path: '{file}'");
        await origin.Store.AddClusterRoleAsync("zoe", Roles.Registry, CancellationToken.None);

        using var good = origin.Basic("zoe", "zoe-pass");
        using var ok = await good.GetAsync("/openshift/token?service=x");
        using var bad = origin.Basic("md5", "anything");
        using var refused = await bad.GetAsync("/openshift/token?service=x");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await refused.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Contains(origin.Logs.Lines, line => line.Contains("line 3: not user:bcrypt-hash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Challenge_BasicMode_AsksForBasicAndAcceptsTokenAsPassword()
    {
        await using var origin = await AccessTestOrigin.StartAsync("auth:\n  openshift:\n    realm: myrealm\n    challenge: basic");
        var token = await origin.UserWithTokenAsync("gina", [Roles.Registry], []);

        using var anonymous = origin.Anonymous();
        using var challenged = await anonymous.GetAsync("/v2/");
        using var client = origin.Basic("openshift", token);
        using var accepted = await client.GetAsync("/v2/");

        Assert.Equal("Basic realm=\"myrealm\"", challenged.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Challenge_TokenRealmConfigured_IsUsedVerbatim()
    {
        await using var origin = await AccessTestOrigin.StartAsync("auth:\n  openshift:\n    tokenrealm: https://registry.example.com/openshift/token");

        using var anonymous = origin.Anonymous();
        using var challenged = await anonymous.GetAsync("/v2/");

        Assert.Equal("Bearer realm=\"https://registry.example.com/openshift/token\",service=\"registry.example.com\"", challenged.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task NoAuthSection_EverythingOpenAndNoTokenEndpoint()
    {
        await using var origin = await AccessTestOrigin.StartAsync(authYaml: null);

        using var client = origin.Anonymous();
        using var pushed = await client.PostAsync("/v2/any/repo/blobs/uploads/", null);
        using var streams = await client.GetAsync("/apis/image.openshift.io/v1/namespaces/any/imagestreams");
        using var token = await client.GetAsync("/openshift/token");

        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, streams.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
        Assert.False(File.Exists(Path.Combine(origin.Root, SigningKeyFile.FileName)));
    }
}
