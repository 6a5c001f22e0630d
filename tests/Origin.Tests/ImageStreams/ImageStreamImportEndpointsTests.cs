using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Tests.PullThrough;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

/// <summary><c>POST imagestreamimports</c> and <c>POST imagestreamtags</c> from a DockerImage, against a fake remote behind <c>docker.io</c>.</summary>
public sealed class ImageStreamImportEndpointsTests : IAsyncLifetime
{
    private const string Api = "/apis/image.openshift.io/v1/namespaces/team";
    private FakeRemoteRegistry _remote = null!;

    public async Task InitializeAsync() => _remote = await FakeRemoteRegistry.StartAsync();

    public async Task DisposeAsync() => await _remote.DisposeAsync();

    [Fact]
    public async Task Import_Images_CreatedWithTheRemoteReferenceInTheStatus()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "1.36", 1_000);

        using var response = await PostAsync(origin, "imagestreamimports", """
            {"kind":"ImageStreamImport","apiVersion":"image.openshift.io/v1","metadata":{"name":"busybox"},
             "spec":{"import":true,"images":[{"from":{"kind":"DockerImage","name":"docker.io/library/busybox:1.36"},"to":{"name":"stable"}}]}}
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var result = body.RootElement.GetProperty("status").GetProperty("images")[0];
        Assert.Equal("stable", result.GetProperty("tag").GetString());
        Assert.Equal("Success", result.GetProperty("status").GetProperty("status").GetString());
        Assert.Equal(image.Digest.ToString(), result.GetProperty("image").GetProperty("metadata").GetProperty("name").GetString());
        var reference = $"docker.io/library/busybox@{image.Digest}";
        Assert.Equal(reference, result.GetProperty("image").GetProperty("dockerImageReference").GetString());
        var tag = body.RootElement.GetProperty("status").GetProperty("import").GetProperty("status").GetProperty("tags")[0];
        Assert.Equal(reference, tag.GetProperty("items")[0].GetProperty("dockerImageReference").GetString());
    }

    [Fact]
    public async Task Import_Repository_ImportsEveryTag()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        _remote.AddImage("library/busybox", "1.35", 1_000);
        _remote.AddImage("library/busybox", "1.36", 1_000);

        using var response = await PostAsync(origin, "imagestreamimports", """
            {"metadata":{"name":"busybox"},"spec":{"import":true,"repository":{"from":{"kind":"DockerImage","name":"docker.io/library/busybox"}}}}
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var images = body.RootElement.GetProperty("status").GetProperty("repository").GetProperty("images");
        Assert.Equal(["1.35", "1.36"], images.EnumerateArray().Select(i => i.GetProperty("tag").GetString()));
        Assert.Equal(["1.35", "1.36"], await origin.Metadata.ListTagsAsync("team/busybox", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Import_RegistryOffTheAllowlist_DeniedNamingTheRegistry()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote, extraUpstream: "  allowed: [registry.example.com]");
        _remote.AddImage("library/busybox", "latest", 1_000);

        using var response = await PostAsync(origin, "imagestreamimports", """
            {"metadata":{"name":"busybox"},"spec":{"images":[{"from":{"kind":"DockerImage","name":"docker.io/library/busybox:latest"}}]}}
            """);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"DENIED\"", text, StringComparison.Ordinal);
        Assert.Contains("registry docker.io is not allowed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OneOfTwoFails_CreatedWithAFailureEntry()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        _remote.AddImage("library/busybox", "latest", 1_000);

        using var response = await PostAsync(origin, "imagestreamimports", """
            {"metadata":{"name":"busybox"},"spec":{"images":[
              {"from":{"kind":"DockerImage","name":"docker.io/library/busybox:latest"}},
              {"from":{"kind":"DockerImage","name":"docker.io/library/busybox:missing"}}]}}
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var images = body.RootElement.GetProperty("status").GetProperty("images");
        Assert.Equal("Success", images[0].GetProperty("status").GetProperty("status").GetString());
        Assert.Equal("Failure", images[1].GetProperty("status").GetProperty("status").GetString());
        Assert.Equal("MANIFEST_UNKNOWN", images[1].GetProperty("status").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"busybox"},"spec":{"images":[]}}""")]
    [InlineData("""{"metadata":{"name":"busybox"},"spec":{"images":[{"from":{"kind":"ImageStreamTag","name":"a:b"}}]}}""")]
    [InlineData("""{"metadata":{"name":"busybox"},"spec":{"images":[{"from":{"kind":"DockerImage","name":"Not A Reference"}}]}}""")]
    [InlineData("""{"metadata":{"name":"busybox"},"spec":{"images":[{"from":{"kind":"DockerImage","name":"docker.io/a:b"},"to":{"name":"bad tag"}}]}}""")]
    [InlineData("""{"metadata":{"name":"busybox"},"spec":{"import":false,"images":[{"from":{"kind":"DockerImage","name":"docker.io/a:b"}}]}}""")]
    [InlineData("""{"spec":{"images":[{"from":{"kind":"DockerImage","name":"docker.io/a:b"}}]}}""")]
    public async Task Import_MalformedBody_InvalidWithoutFetching(string json)
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);

        using var response = await PostAsync(origin, "imagestreamimports", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"INVALID\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_CallerWithoutPushInTheProject_RefusedBeforeFetching()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote, extraYaml: "auth:\n  openshift:\n    realm: openshift");
        _remote.AddImage("library/busybox", "latest", 1_000);
        var store = origin.Services.GetRequiredService<IAccessStore>();
        await store.CreateProjectAsync("team", isPublic: true, CancellationToken.None);
        var viewer = await UserAsync(origin, "viewer", "registry-viewer");
        var builder = await UserAsync(origin, "builder", "system:image-builder");
        const string Body = """{"metadata":{"name":"busybox"},"spec":{"images":[{"from":{"kind":"DockerImage","name":"docker.io/library/busybox:latest"}}]}}""";

        using var anonymous = await PostAsync(origin, "imagestreamimports", Body);
        using var denied = await PostAsync(origin, "imagestreamimports", Body, viewer);
        var before = await origin.Metadata.RepositoryExistsAsync("team/busybox", CancellationToken.None);
        using var allowed = await PostAsync(origin, "imagestreamimports", Body, builder);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.False(before);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task Tag_FromDockerImage_ImportsIntoTheStreamTag()
    {
        await using var origin = await PullThroughTestOrigin.StartAsync(_remote);
        var image = _remote.AddImage("library/busybox", "latest", 1_000);

        using var response = await PostAsync(origin, "imagestreamtags", """
            {"metadata":{"name":"busybox:prod"},"tag":{"from":{"kind":"DockerImage","name":"docker.io/library/busybox:latest"}}}
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"docker.io/library/busybox@{image.Digest}", body.RootElement.GetProperty("image").GetProperty("dockerImageReference").GetString());
    }

    private static Task<HttpResponseMessage> PostAsync(PullThroughTestOrigin origin, string resource, string json, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}/{resource}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"any:{token}")));
        }

        return origin.Client.SendAsync(request);
    }

    /// <summary>A user with <c>system:registry</c> and <paramref name="role"/> in the project team; returns an access token.</summary>
    private static async Task<string> UserAsync(PullThroughTestOrigin origin, string user, string role)
    {
        var store = origin.Services.GetRequiredService<IAccessStore>();
        await store.CreateUserAsync(user, null, CancellationToken.None);
        await store.AddClusterRoleAsync(user, "system:registry", CancellationToken.None);
        await store.AddProjectRoleAsync("team", user, role, CancellationToken.None);
        var (token, _) = await origin.Services.GetRequiredService<AccessTokenService>().MintAsync(user, null, "test", CancellationToken.None);
        return token;
    }
}
