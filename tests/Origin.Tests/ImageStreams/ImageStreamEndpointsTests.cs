using System.Net;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Tests.Access;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

/// <summary>The image stream API over HTTP, and the seed's known issue 3.6.3 fixed end to end in-process.</summary>
public sealed class ImageStreamEndpointsTests : IAsyncLifetime
{
    private AccessTestOrigin _origin = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _origin = await AccessTestOrigin.StartAsync();
        await _origin.Store.CreateProjectAsync("test", false, CancellationToken.None);
        await _origin.Store.CreateProjectAsync("anyproject", false, CancellationToken.None);
        _admin = _origin.Basic("openshift", await _origin.UserWithTokenAsync("root", [Roles.ClusterAdmin], []));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _origin.DisposeAsync();
    }

    [Fact]
    public async Task List_AfterPush_ShowsStreamWithTagHistoryAndReference()
    {
        var (_, digest) = await _admin.PushImageAsync("test/busybox", "latest");

        using var response = await _admin.GetAsync("/apis/image.openshift.io/v1/namespaces/test/imagestreams");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ImageStreamList", json.RootElement.GetProperty("kind").GetString());
        var stream = json.RootElement.GetProperty("items")[0];
        Assert.Equal("busybox", stream.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal("test", stream.GetProperty("metadata").GetProperty("namespace").GetString());
        Assert.Equal($"{_origin.Host}/test/busybox", stream.GetProperty("status").GetProperty("dockerImageRepository").GetString());
        var item = stream.GetProperty("status").GetProperty("tags")[0].GetProperty("items")[0];
        Assert.Equal("latest", stream.GetProperty("status").GetProperty("tags")[0].GetProperty("tag").GetString());
        Assert.Equal(digest, item.GetProperty("image").GetString());
        Assert.Equal($"{_origin.Host}/test/busybox@{digest}", item.GetProperty("dockerImageReference").GetString());
        Assert.Equal(_origin.Clock.GetUtcNow(), item.GetProperty("created").GetDateTimeOffset());
    }

    [Fact]
    public async Task Get_UnknownStream_IsNotFound()
    {
        using var response = await _admin.GetAsync("/apis/image.openshift.io/v1/namespaces/test/imagestreams/nothing");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task TagAcrossStreams_ThenPullEveryPartThroughTheDestination_Works()
    {
        // The seed's known issue 3.6.3: oc tag srcimagestream:latest anyproject/pullimagestream:latest, then a pull
        // of anyproject/pullimagestream:latest failed with "not found". Here every blob is linked into the destination.
        var (manifest, digest) = await _admin.PushImageAsync("test/srcimagestream", "latest");
        var viewer = await _origin.UserWithTokenAsync("puller", [Roles.Registry], [("anyproject", Roles.RegistryViewer)]);

        using var tagged = await _admin.PostAsync(
            "/apis/image.openshift.io/v1/namespaces/anyproject/imagestreamtags",
            new StringContent("""{"metadata":{"name":"pullimagestream:latest"},"tag":{"from":{"kind":"ImageStreamTag","namespace":"test","name":"srcimagestream:latest"}}}""", Encoding.UTF8, "application/json"));
        using var client = _origin.Basic("openshift", viewer);
        using var pulled = await client.GetAsync("/v2/anyproject/pullimagestream/manifests/latest");

        Assert.Equal(HttpStatusCode.Created, tagged.StatusCode);
        using (var json = JsonDocument.Parse(await tagged.Content.ReadAsStringAsync()))
        {
            Assert.Equal("pullimagestream:latest", json.RootElement.GetProperty("metadata").GetProperty("name").GetString());
            Assert.Equal(digest, json.RootElement.GetProperty("image").GetProperty("metadata").GetProperty("name").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
        using var parsed = JsonDocument.Parse(manifest);
        var blobs = parsed.RootElement.GetProperty("layers").EnumerateArray().Append(parsed.RootElement.GetProperty("config"));
        foreach (var blob in blobs)
        {
            using var response = await client.GetAsync($"/v2/anyproject/pullimagestream/blobs/{blob.GetProperty("digest").GetString()}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Tag_FromAProjectTheCallerCannotRead_IsDenied()
    {
        await _admin.PushImageAsync("test/private", "v1");
        var builder = await _origin.UserWithTokenAsync("anybuilder", [Roles.Registry], [("anyproject", Roles.ImageBuilder)]);
        using var client = _origin.Basic("openshift", builder);

        using var response = await client.PostAsync(
            "/apis/image.openshift.io/v1/namespaces/anyproject/imagestreamtags",
            new StringContent("""{"metadata":{"name":"stolen:v1"},"tag":{"from":{"kind":"ImageStreamTag","namespace":"test","name":"private:v1"}}}""", Encoding.UTF8, "application/json"));

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
        Assert.False(await _origin.Metadata.RepositoryExistsAsync("anyproject/stolen", CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"nocolon"},"tag":{"from":{"name":"a:v1"}}}""")]
    [InlineData("""{"metadata":{"name":"x:v1"},"tag":{"from":{"kind":"Image","name":"a:v1"}}}""")]
    [InlineData("""{"metadata":{"name":"x:v1"}}""")]
    [InlineData("not json")]
    public async Task Tag_MalformedBody_IsInvalid(string body)
    {
        using var response = await _admin.PostAsync("/apis/image.openshift.io/v1/namespaces/test/imagestreamtags", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "INVALID");
    }

    [Fact]
    public async Task DeleteTag_ThenGet_IsNotFound()
    {
        await _admin.PushImageAsync("test/app", "gone");

        using var deleted = await _admin.DeleteAsync("/apis/image.openshift.io/v1/namespaces/test/imagestreamtags/app:gone");
        using var get = await _admin.GetAsync("/apis/image.openshift.io/v1/namespaces/test/imagestreamtags/app:gone");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await get.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Tag_ReadOnlyRegistry_IsUnsupported()
    {
        await using var origin = await AccessTestOrigin.StartAsync(authYaml: null, apiOptions: new EdgeRegistry.Origin.Api.RegistryApiOptions { ReadOnly = true });
        using var client = origin.Anonymous();

        using var tagged = await client.PostAsync(
            "/apis/image.openshift.io/v1/namespaces/test/imagestreamtags",
            new StringContent("""{"metadata":{"name":"b:v1"},"tag":{"from":{"name":"a:v1"}}}""", Encoding.UTF8, "application/json"));
        using var deleted = await client.DeleteAsync("/apis/image.openshift.io/v1/namespaces/test/imagestreamtags/a:v1");

        await tagged.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        await deleted.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }

    [Fact]
    public async Task UnknownPath_IsNotFound()
    {
        using var response = await _admin.GetAsync("/apis/image.openshift.io/v1/namespaces/test/widgets");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
