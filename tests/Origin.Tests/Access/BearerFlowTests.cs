using System.Net;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.Access;

/// <summary>
/// The Docker token flow against a real origin: the 401 challenge points at the token endpoint, which takes
/// Basic credentials and a scope, and issues a short-lived registry token granting only what the roles allow.
/// </summary>
public sealed class BearerFlowTests : IAsyncLifetime
{
    private AccessTestOrigin _origin = null!;
    private string _builderToken = string.Empty;
    private string _viewerToken = string.Empty;

    public async Task InitializeAsync()
    {
        _origin = await AccessTestOrigin.StartAsync();
        await _origin.Store.CreateProjectAsync("team", false, CancellationToken.None);
        await _origin.Store.CreateProjectAsync("shared", true, CancellationToken.None);
        await _origin.Store.CreateProjectAsync("secret", false, CancellationToken.None);
        _builderToken = await _origin.UserWithTokenAsync("builder", [Roles.Registry], [("team", Roles.ImageBuilder)], password: "builder-pass");
        _viewerToken = await _origin.UserWithTokenAsync("viewer", [Roles.Registry], [("team", Roles.RegistryViewer)], password: "viewer-pass");
        await _origin.UserWithTokenAsync("outsider", [], [("team", Roles.Admin)], password: "outsider-pass");
        var admin = await _origin.UserWithTokenAsync("root", [Roles.ClusterAdmin], []);
        using var client = _origin.Basic("x", admin);
        await client.PushImageAsync("team/app", "v1");
        await client.PushImageAsync("shared/base", "v1");
        await client.PushImageAsync("secret/app", "v1");
    }

    public async Task DisposeAsync() => await _origin.DisposeAsync();

    [Fact]
    public async Task Challenge_RepositoryRequestWithoutCredentials_NamesRealmServiceAndScope()
    {
        using var client = _origin.Anonymous();
        using var response = await client.GetAsync("/v2/team/app/manifests/v1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            $"Bearer realm=\"http://{_origin.Host}/openshift/token\",service=\"{_origin.Host}\",scope=\"repository:team/app:pull\"",
            response.Headers.WwwAuthenticate.ToString());
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Token_PasswordAndScopeWithinRoles_GrantsWhatWasAskedAndPullWorks()
    {
        var (json, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "repository:team/app:pull,push");

        Assert.Equal(token, json.GetProperty("access_token").GetString());
        Assert.Equal(300, json.GetProperty("expires_in").GetInt32());
        Assert.Equal("2026-01-01T12:00:00Z", json.GetProperty("issued_at").GetString());
        Assert.Equal(["pull", "push"], Access(token, "team/app"));
        using var client = _origin.Bearer(token);
        using var response = await client.GetAsync("/v2/team/app/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_ViewerAsksForPush_GetsOnlyPull()
    {
        var (_, token) = await TokenAsync(_origin.Basic("viewer", "viewer-pass"), "repository:team/app:pull,push");

        Assert.Equal(["pull"], Access(token, "team/app"));
    }

    [Fact]
    public async Task Token_ScopeOfAnotherProject_IsLeftOut()
    {
        var (_, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "repository:secret/app:pull repository:team/app:pull");

        Assert.Empty(Access(token, "secret/app"));
        Assert.Equal(["pull"], Access(token, "team/app"));
    }

    [Fact]
    public async Task Token_AccessTokenAsPasswordWithAnyUserName_IsAccepted()
    {
        var (_, token) = await TokenAsync(_origin.Basic("openshift", _builderToken), "repository:team/app:push");

        Assert.Equal(["push"], Access(token, "team/app"));
    }

    [Fact]
    public async Task Token_WrongPassword_Is401WithBasicChallenge()
    {
        using var client = _origin.Basic("builder", "not-the-password");
        using var response = await client.GetAsync("/openshift/token?service=x&scope=repository:team/app:pull");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"openshift\"", response.Headers.WwwAuthenticate.ToString());
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Token_UserWithoutSystemRegistry_IsDenied()
    {
        using var client = _origin.Basic("outsider", "outsider-pass");
        using var response = await client.GetAsync("/openshift/token?service=x&scope=repository:team/app:pull");

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
    }

    [Fact]
    public async Task Token_Anonymous_GrantsPullOnPublicProjectOnly()
    {
        var (_, token) = await TokenAsync(_origin.Anonymous(), "repository:shared/base:pull,push repository:team/app:pull");

        Assert.Equal(["pull"], Access(token, "shared/base"));
        Assert.Empty(Access(token, "team/app"));
        using var client = _origin.Bearer(token);
        using var pulled = await client.GetAsync("/v2/shared/base/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        using var refused = await client.GetAsync("/v2/team/app/manifests/v1");
        await refused.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Registry_TokenWithoutPushButRolesAllowIt_Is401InsufficientScope()
    {
        var (_, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "repository:team/app:pull");

        using var client = _origin.Bearer(token);
        using var response = await client.PostAsync("/v2/team/app/blobs/uploads/", null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(
            $"Bearer realm=\"http://{_origin.Host}/openshift/token\",service=\"{_origin.Host}\",scope=\"repository:team/app:pull,push\",error=\"insufficient_scope\"",
            response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Registry_TokenOfViewerForPush_IsDenied()
    {
        var (_, token) = await TokenAsync(_origin.Basic("viewer", "viewer-pass"), "repository:team/app:pull");

        using var client = _origin.Bearer(token);
        using var response = await client.PostAsync("/v2/team/app/blobs/uploads/", null);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
    }

    [Fact]
    public async Task Registry_TokenAfterItsLifetime_Is401()
    {
        var (_, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "repository:team/app:pull");
        using var client = _origin.Bearer(token);
        using var before = await client.GetAsync("/v2/team/app/tags/list");

        _origin.Clock.Advance(TimeSpan.FromMinutes(5));
        using var after = await client.GetAsync("/v2/team/app/tags/list");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Registry_TokenWithAlteredClaims_Is401()
    {
        var (_, token) = await TokenAsync(_origin.Basic("viewer", "viewer-pass"), "repository:team/app:pull");
        var parts = token.Split('.');
        var claims = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))).Replace("\"pull\"", "\"push\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";

        using var client = _origin.Bearer(forged);
        using var response = await client.PostAsync("/v2/team/app/blobs/uploads/", null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Registry_AccessTokenRevokedAfterTokenIssued_EndsTheRegistryTokenToo()
    {
        var (_, token) = await TokenAsync(_origin.Basic("openshift", _viewerToken), "repository:team/app:pull");
        using var client = _origin.Bearer(token);
        using var before = await client.GetAsync("/v2/team/app/tags/list");

        await _origin.Store.RevokeAccessTokenAsync(AccessTokenService.IdOf(_viewerToken)!, CancellationToken.None);
        using var after = await client.GetAsync("/v2/team/app/tags/list");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Registry_RoleTakenAwayWhileTokenValid_IsDeniedAtOnce()
    {
        var (_, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "repository:team/app:pull");
        await _origin.Store.RemoveProjectRoleAsync("team", "builder", Roles.ImageBuilder, CancellationToken.None);

        using var client = _origin.Bearer(token);
        using var response = await client.GetAsync("/v2/team/app/tags/list");

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
    }

    [Fact]
    public async Task Registry_AccessTokenAsBearer_IsAccepted()
    {
        using var client = _origin.Bearer(_builderToken);
        using var response = await client.GetAsync("/v2/team/app/tags/list");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Registry_BasicUserNameWithColon_IsRefused()
    {
        using var client = _origin.Basic("open:shift", _builderToken);
        using var response = await client.GetAsync("/v2/");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Registry_EmptyBasicCredentials_AreAnonymous()
    {
        using var client = _origin.Basic(string.Empty, string.Empty);
        using var pulled = await client.GetAsync("/v2/shared/base/manifests/v1");
        using var refused = await client.GetAsync("/v2/team/app/manifests/v1");

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        await refused.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Registry_PasswordAsBasicOnV2_IsRefused()
    {
        // /v2 takes tokens only (the seed: "log in with your access token"); passwords go to the token endpoint.
        using var client = _origin.Basic("builder", "builder-pass");
        using var response = await client.GetAsync("/v2/");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Catalog_TokenWithCatalogScope_ListsWhatTheUserMayPull()
    {
        var (_, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "registry:catalog:*");

        using var client = _origin.Bearer(token);
        using var response = await client.GetAsync("/v2/_catalog");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["shared/base", "team/app"], json.RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Catalog_TokenWithoutCatalogScope_Is401InsufficientScope()
    {
        var (_, token) = await TokenAsync(_origin.Basic("builder", "builder-pass"), "repository:team/app:pull");

        using var client = _origin.Bearer(token);
        using var response = await client.GetAsync("/v2/_catalog");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Contains("scope=\"registry:catalog:*\",error=\"insufficient_scope\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_AnonymousWithoutToken_PullsButCannotPush()
    {
        using var client = _origin.Anonymous();
        using var pulled = await client.GetAsync("/v2/shared/base/manifests/v1");
        using var pushed = await client.PostAsync("/v2/shared/base/blobs/uploads/", null);

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        await pushed.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    private async Task<(JsonElement Json, string Token)> TokenAsync(HttpClient client, string scope)
    {
        using (client)
        {
            using var response = await client.GetAsync($"/openshift/token?service={_origin.Host}&scope={Uri.EscapeDataString(scope)}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var json = JsonDocument.Parse(body).RootElement.Clone();
            return (json, json.GetProperty("token").GetString()!);
        }
    }

    /// <summary>The actions the token's <c>access</c> claim grants on <paramref name="repository"/>.</summary>
    private static List<string> Access(string token, string repository)
    {
        using var claims = JsonDocument.Parse(Convert.FromBase64String(Pad(token.Split('.')[1])));
        return claims.RootElement.GetProperty("access").EnumerateArray()
            .Where(entry => entry.GetProperty("type").GetString() == "repository" && entry.GetProperty("name").GetString() == repository)
            .SelectMany(entry => entry.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!))
            .ToList();
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
