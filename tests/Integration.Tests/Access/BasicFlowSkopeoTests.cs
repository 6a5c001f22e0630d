using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>
/// skopeo against an origin that asks for Basic credentials (<c>REGISTRY_AUTH_OPENSHIFT_CHALLENGE=basic</c>):
/// any user name and an access token as the password, as <c>docker login -u openshift -p $(oc whoami -t)</c>.
/// </summary>
public sealed class BasicFlowSkopeoTests(BasicOriginFixture fixture) : IClassFixture<BasicOriginFixture>, IDisposable
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private OriginProcess Origin => fixture.Origin;

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Challenge_Anonymous_AsksForBasic()
    {
        using var client = Origin.CreateHttpClient();
        using var response = await client.GetAsync("v2/", _timeout.Token);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"openshift\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Copy_TokenAsPasswordWithCreds_PushesIntoItsProjectButNotIntoAnother()
    {
        var image = _layout.AddImage("v1");
        var token = await fixture.TokenAsync("builder", _timeout.Token);
        var builder = Origin.Access.WithCredentials("openshift", token);

        var pushed = await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("team/basic", "v1"), destinationAccess: builder, cancellationToken: _timeout.Token);
        var refused = await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("other/basic", "v1"), destinationAccess: builder, cancellationToken: _timeout.Token);

        pushed.EnsureSuccess();
        Assert.False(refused.Succeeded, refused.ToString());
        // skopeo reports the DENIED answer to its first request, the blob check, by its status.
        Assert.True(refused.StandardError.Contains("403 (Forbidden)", StringComparison.Ordinal), refused.ToString());
    }

    [Fact]
    public async Task Copy_ViewerAfterSkopeoLoginWithToken_Pulls()
    {
        var image = _layout.AddImage("v1");
        var builderToken = await fixture.TokenAsync("builder", _timeout.Token);
        (await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("team/basic-pull", "v1"), destinationAccess: Origin.Access.WithCredentials("openshift", builderToken), cancellationToken: _timeout.Token)).EnsureSuccess();
        var viewerToken = await fixture.TokenAsync("viewer", _timeout.Token);

        using var viewerSkopeo = new Skopeo();
        var login = await viewerSkopeo.LoginAsync(Origin.Host, "openshift", viewerToken, Origin.Access, _timeout.Token);
        var outLayout = _layout.NewPath("pulled");
        var pulled = await viewerSkopeo.CopyAsync(Origin.ImageReference("team/basic-pull", "v1"), $"oci:{outLayout}:v1", sourceAccess: Origin.Access, cancellationToken: _timeout.Token);

        login.EnsureSuccess();
        pulled.EnsureSuccess();
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "v1").Digest);
        foreach (var secret in fixture.Secrets)
        {
            Assert.DoesNotContain(secret, Origin.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Copy_Anonymous_PullsFromPublicProjectOnly()
    {
        var image = _layout.AddImage("v1");
        var builder = Origin.Access.WithCredentials("openshift", await fixture.TokenAsync("builder", _timeout.Token));
        (await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("public/basic", "v1"), destinationAccess: builder, cancellationToken: _timeout.Token)).EnsureSuccess();
        (await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("team/basic-private", "v1"), destinationAccess: builder, cancellationToken: _timeout.Token)).EnsureSuccess();

        using var anonymous = new Skopeo();
        var publicPull = await anonymous.CopyAsync(Origin.ImageReference("public/basic", "v1"), $"oci:{_layout.NewPath("public")}:v1", sourceAccess: Origin.Access, cancellationToken: _timeout.Token);
        var privatePull = await anonymous.CopyAsync(Origin.ImageReference("team/basic-private", "v1"), $"oci:{_layout.NewPath("private")}:v1", sourceAccess: Origin.Access, cancellationToken: _timeout.Token);

        publicPull.EnsureSuccess();
        Assert.False(privatePull.Succeeded, privatePull.ToString());
    }

    [Fact]
    public async Task Login_UserNameWithColon_Fails()
    {
        var token = await fixture.TokenAsync("viewer", _timeout.Token);

        var login = await _skopeo.LoginAsync(Origin.Host, "open:shift", token, Origin.Access, _timeout.Token);

        Assert.False(login.Succeeded, login.ToString());
    }

    [Fact]
    public async Task Login_RevokedToken_Fails()
    {
        var token = await fixture.TokenAsync("viewer", _timeout.Token);
        await AdminCli.RunCheckedAsync(Origin.ConfigPath, _timeout.Token, "revoke-token", token);

        var login = await _skopeo.LoginAsync(Origin.Host, "openshift", token, Origin.Access, _timeout.Token);

        Assert.False(login.Succeeded, login.ToString());
    }
}
