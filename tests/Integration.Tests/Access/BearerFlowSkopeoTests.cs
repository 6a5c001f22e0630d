using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>
/// skopeo against a real origin with auth, following the Bearer challenge to the token endpoint with
/// <c>--creds</c> or after <c>skopeo login</c>: who may push and pull where, anonymous pulls from public
/// projects, the seed's known issue 3.6.3, and the log kept free of secrets.
/// </summary>
public sealed class BearerFlowSkopeoTests(BearerOriginFixture fixture) : IClassFixture<BearerOriginFixture>, IDisposable
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
    public async Task Copy_BuilderWithCreds_PushesIntoItsProjectButNotIntoAnother()
    {
        var image = _layout.AddImage("v1");
        var builder = Origin.Access.WithCredentials("builder", AuthOriginFixture.BuilderPassword);

        var pushed = await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("team/pushed", "v1"), destinationAccess: builder, cancellationToken: _timeout.Token);
        var refused = await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("other/pushed", "v1"), destinationAccess: builder, cancellationToken: _timeout.Token);
        var served = await _skopeo.InspectAsync(Origin.ImageReference("team/pushed", "v1"), raw: true, builder, _timeout.Token);

        pushed.EnsureSuccess();
        Assert.False(refused.Succeeded, refused.ToString());
        // skopeo reports the DENIED answer to its first request, the blob check, by its status.
        Assert.True(refused.StandardError.Contains("403 (Forbidden)", StringComparison.Ordinal), refused.ToString());
        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(served.EnsureSuccess().StandardOutputBytes));
    }

    [Fact]
    public async Task Copy_ViewerAfterSkopeoLogin_PullsButCannotPush()
    {
        var image = _layout.AddImage("v1");
        await Push(image, "team/viewed");

        var login = await _skopeo.LoginAsync(Origin.Host, "viewer", AuthOriginFixture.ViewerPassword, Origin.Access, _timeout.Token);
        var outLayout = _layout.NewPath("pulled");
        var pulled = await _skopeo.CopyAsync(Origin.ImageReference("team/viewed", "v1"), $"oci:{outLayout}:v1", sourceAccess: Origin.Access, cancellationToken: _timeout.Token);
        var pushed = await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("team/viewer-push", "v1"), destinationAccess: Origin.Access, cancellationToken: _timeout.Token);

        login.EnsureSuccess();
        pulled.EnsureSuccess();
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "v1").Digest);
        Assert.All(image.AllBlobs, blob => Assert.True(OciLayoutReader.HasBlob(outLayout, blob.Digest), blob.Digest));
        Assert.False(pushed.Succeeded, pushed.ToString());
    }

    [Fact]
    public async Task Login_WrongPassword_Fails()
    {
        var login = await _skopeo.LoginAsync(Origin.Host, "viewer", "not-the-password", Origin.Access, _timeout.Token);

        Assert.False(login.Succeeded, login.ToString());
    }

    [Fact]
    public async Task Copy_Anonymous_PullsFromPublicProjectOnly()
    {
        var image = _layout.AddImage("v1");
        await Push(image, "public/base");
        await Push(image, "team/private");

        var publicPull = await _skopeo.CopyAsync(Origin.ImageReference("public/base", "v1"), $"oci:{_layout.NewPath("public")}:v1", sourceAccess: Origin.Access, cancellationToken: _timeout.Token);
        var privatePull = await _skopeo.CopyAsync(Origin.ImageReference("team/private", "v1"), $"oci:{_layout.NewPath("private")}:v1", sourceAccess: Origin.Access, cancellationToken: _timeout.Token);
        var anonymousPush = await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("public/anonymous", "v1"), destinationAccess: Origin.Access, cancellationToken: _timeout.Token);

        publicPull.EnsureSuccess();
        Assert.False(privatePull.Succeeded, privatePull.ToString());
        Assert.False(anonymousPush.Succeeded, anonymousPush.ToString());
    }

    [Fact]
    public async Task Retag_SeedKnownIssue363_PullFromTheDestinationStreamWorks()
    {
        // 3.6.3: "oc tag srcimagestream:latest anyproject/pullimagestream:latest", then a pull of
        // anyproject/pullimagestream:latest failed with "not found". The puller may read anyproject only.
        var image = _layout.AddImage("latest");
        await Push(image, "test/srcimagestream", "latest");

        var tagged = await AdminCli.RunCheckedAsync(Origin.ConfigPath, _timeout.Token, "tag", "srcimagestream:latest", "anyproject/pullimagestream:latest", "-n", "test");
        var puller = Origin.Access.WithCredentials("puller", AuthOriginFixture.PullerPassword);
        var outLayout = _layout.NewPath("retagged");
        var pulled = await _skopeo.CopyAsync(Origin.ImageReference("anyproject/pullimagestream", "latest"), $"oci:{outLayout}:latest", sourceAccess: puller, cancellationToken: _timeout.Token);
        var streams = await AdminCli.RunCheckedAsync(Origin.ConfigPath, _timeout.Token, "get", "imagestreams", "-n", "anyproject");

        Assert.Equal($"Tag anyproject/pullimagestream:latest set to test/srcimagestream@{image.ManifestDigest}.\n", tagged);
        pulled.EnsureSuccess();
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "latest").Digest);
        Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(outLayout, blob.Digest))));
        var rows = streams.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^NAME +DOCKER REPO +TAGS +UPDATED$", rows[0]);
        Assert.Matches($"^pullimagestream +{Origin.Host.Replace(".", "\\.", StringComparison.Ordinal)}/anyproject/pullimagestream +latest +.* ago$", rows[1]);
    }

    [Fact]
    public async Task Output_AfterLoginsPushesAndFailures_HoldsNoPasswordOrToken()
    {
        var image = _layout.AddImage("v1");
        var token = await fixture.TokenAsync("builder", _timeout.Token);
        await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("team/logged", "v1"), destinationAccess: Origin.Access.WithCredentials("openshift", token), cancellationToken: _timeout.Token);
        await _skopeo.CopyAsync(image.Reference, Origin.ImageReference("other/logged", "v1"), destinationAccess: Origin.Access.WithCredentials("builder", AuthOriginFixture.BuilderPassword), cancellationToken: _timeout.Token);
        await _skopeo.LoginAsync(Origin.Host, "viewer", AuthOriginFixture.ViewerPassword + "-wrong", Origin.Access, _timeout.Token);
        await _skopeo.LoginAsync(Origin.Host, "openshift", token, Origin.Access, _timeout.Token);

        var output = Origin.Output;

        Assert.Contains("Using OpenShift Auth handler", output, StringComparison.Ordinal);
        Assert.Contains("Registry token issued to builder", output, StringComparison.Ordinal);
        foreach (var secret in fixture.Secrets)
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Authorization", output, StringComparison.OrdinalIgnoreCase);
    }

    private async Task Push(GeneratedImage image, string repository, string tag = "v1") =>
        (await _skopeo.CopyAsync(
            image.Reference,
            Origin.ImageReference(repository, tag),
            destinationAccess: Origin.Access.WithCredentials("builder", AuthOriginFixture.BuilderPassword),
            cancellationToken: _timeout.Token)).EnsureSuccess();
}
