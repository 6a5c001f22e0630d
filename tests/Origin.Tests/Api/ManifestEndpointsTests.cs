using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Origin.Tests.Api;

public sealed class ManifestEndpointsTests : IAsyncLifetime
{
    private TestOrigin origin = null!;

    private HttpClient Client => origin.Client;

    public async Task InitializeAsync() => origin = await TestOrigin.StartAsync();

    public async Task DisposeAsync() => await origin.DisposeAsync();

    [Theory]
    [InlineData(MediaTypes.OciManifest)]
    [InlineData(MediaTypes.DockerManifest)]
    public async Task Put_ByTag_StoredBytesAndTypeComeBackByTagAndDigest(string mediaType)
    {
        var (manifest, digest) = await Client.PushImageAsync("library/app", "v1", mediaType);

        foreach (var reference in new[] { "v1", digest })
        {
            using var response = await Client.GetAsync($"/v2/library/app/manifests/{reference}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest, true)]
    [InlineData(MediaTypes.OciManifest + ", " + MediaTypes.DockerManifest, true)]
    [InlineData("*/*", true)]
    [InlineData("application/json", true)]
    [InlineData(MediaTypes.DockerManifest + ", " + MediaTypes.DockerManifestList, false)]
    public async Task Get_AcceptHeader_ServesStoredTypeOnlyWhenAcceptable(string accept, bool served)
    {
        var (manifest, _) = await Client.PushImageAsync("library/app", "v1");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/library/app/manifests/v1");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await Client.SendAsync(request);
        if (served)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(MediaTypes.OciManifest, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync());
        }
        else
        {
            await response.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }
    }

    [Fact]
    public async Task Put_Created_ReturnsLocationAndDigest()
    {
        var config = await Client.PushBlobAsync("library/app", [1, 2, 3]);
        var manifest = RegistryCalls.ImageManifest(config, 3, []);
        using var response = await Client.PutManifestAsync("library/app", "latest", manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var digest = RegistryCalls.DigestOf(manifest);
        Assert.Equal($"/v2/library/app/manifests/{digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task Head_ByTag_ReturnsDigestAndLength()
    {
        var (manifest, digest) = await Client.PushImageAsync("library/app", "v1");
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/library/app/manifests/v1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(manifest.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Put_UnknownBlob_ReturnsManifestBlobUnknown()
    {
        var config = await Client.PushBlobAsync("library/app", [1, 2, 3]);
        var missing = RegistryCalls.DigestOf([9, 9, 9]);
        using var response = await Client.PutManifestAsync("library/app", "v1", RegistryCalls.ImageManifest(config, 3, [(missing, 3)]));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Put_BlobOnlyInAnotherRepository_ReturnsManifestBlobUnknown()
    {
        var config = await Client.PushBlobAsync("team-a/app", [1, 2, 3]);
        using var response = await Client.PutManifestAsync("team-b/app", "v1", RegistryCalls.ImageManifest(config, 3, []));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}")]
    public async Task Put_InvalidManifest_ReturnsManifestInvalid(string body)
    {
        using var response = await Client.PutManifestAsync("library/app", "v1", Encoding.UTF8.GetBytes(body));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task Put_Over4MiB_Returns413()
    {
        var big = new byte[4 * 1024 * 1024 + 1];
        Array.Fill(big, (byte)' ');
        using var response = await Client.PutManifestAsync("library/app", "v1", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Put_DigestReferenceNotMatchingBody_ReturnsDigestInvalid()
    {
        var config = await Client.PushBlobAsync("library/app", [1, 2, 3]);
        var manifest = RegistryCalls.ImageManifest(config, 3, []);
        using var response = await Client.PutManifestAsync("library/app", RegistryCalls.DigestOf([0]), manifest);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Put_InvalidTag_ReturnsManifestInvalid()
    {
        using var response = await Client.PutManifestAsync("library/app", "-bad.tag", Encoding.UTF8.GetBytes("{}"));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task Put_IndexWithPushedChildren_IsServedAsIndex()
    {
        var (amd, amdDigest) = await Client.PushImageAsync("library/multi", "amd64");
        var (arm, armDigest) = await Client.PushImageAsync("library/multi", "arm64");
        var index = RegistryCalls.Index([(amdDigest, amd.Length, "amd64"), (armDigest, arm.Length, "arm64")]);

        using var put = await Client.PutManifestAsync("library/multi", "latest", index, MediaTypes.OciIndex);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await Client.GetAsync("/v2/library/multi/manifests/latest");
        Assert.Equal(MediaTypes.OciIndex, get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(index, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_IndexWithUnknownChild_ReturnsManifestBlobUnknown()
    {
        var index = RegistryCalls.Index([(RegistryCalls.DigestOf([7]), 100, "amd64")]);
        using var response = await Client.PutManifestAsync("library/multi", "latest", index, MediaTypes.OciIndex);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Get_UnknownTagInKnownRepository_ReturnsManifestUnknown()
    {
        await Client.PushImageAsync("library/app", "v1");
        using var response = await Client.GetAsync("/v2/library/app/manifests/v2");
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Get_UnknownRepository_ReturnsNameUnknown()
    {
        using var response = await Client.GetAsync("/v2/library/none/manifests/latest");
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task Delete_ByDigest_RemovesManifestAndItsTags()
    {
        var (_, digest) = await Client.PushImageAsync("library/app", "v1");
        using var deleted = await Client.DeleteAsync($"/v2/library/app/manifests/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);

        using var byDigest = await Client.GetAsync($"/v2/library/app/manifests/{digest}");
        await byDigest.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using var byTag = await Client.GetAsync("/v2/library/app/manifests/v1");
        await byTag.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Delete_ByTag_KeepsManifestByDigest()
    {
        var (_, digest) = await Client.PushImageAsync("library/app", "v1");
        using var deleted = await Client.DeleteAsync("/v2/library/app/manifests/v1");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);

        using var byTag = await Client.GetAsync("/v2/library/app/manifests/v1");
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
        using var byDigest = await Client.GetAsync($"/v2/library/app/manifests/{digest}");
        Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
    }

    [Fact]
    public async Task Put_WithSubject_ReturnsOciSubjectAndIsListedAsReferrer()
    {
        var (subject, subjectDigest) = await Client.PushImageAsync("library/app", "v1");
        var empty = await Client.PushBlobAsync("library/app", Encoding.UTF8.GetBytes("{}"));
        var signature = RegistryCalls.ImageManifest(empty, 2, [], subjectDigest, subject.Length, artifactType: "application/vnd.example.signature");
        var sbom = RegistryCalls.ImageManifest(empty, 2, [], subjectDigest, subject.Length, artifactType: "application/vnd.example.sbom");

        using var put = await Client.PutManifestAsync("library/app", RegistryCalls.DigestOf(signature), signature);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(subjectDigest, put.Headers.GetValues("OCI-Subject").Single());
        using var put2 = await Client.PutManifestAsync("library/app", RegistryCalls.DigestOf(sbom), sbom);
        Assert.Equal(HttpStatusCode.Created, put2.StatusCode);

        using var all = await Client.GetAsync($"/v2/library/app/referrers/{subjectDigest}");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(MediaTypes.OciIndex, all.Content.Headers.ContentType!.MediaType);
        using var allJson = JsonDocument.Parse(await all.Content.ReadAsStringAsync());
        Assert.Equal(2, allJson.RootElement.GetProperty("manifests").GetArrayLength());
        Assert.False(all.Headers.Contains("OCI-Filters-Applied"));

        using var filtered = await Client.GetAsync($"/v2/library/app/referrers/{subjectDigest}?artifactType=application/vnd.example.sbom");
        Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
        using var filteredJson = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync());
        var only = Assert.Single(filteredJson.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(RegistryCalls.DigestOf(sbom), only.GetProperty("digest").GetString());
        Assert.Equal("application/vnd.example.sbom", only.GetProperty("artifactType").GetString());
        Assert.Equal(sbom.Length, only.GetProperty("size").GetInt32());
        Assert.Equal("signed", only.GetProperty("annotations").GetProperty("org.example.note").GetString());
    }

    [Fact]
    public async Task GetReferrers_NothingRefers_ReturnsEmptyIndex()
    {
        using var response = await Client.GetAsync($"/v2/library/app/referrers/{RegistryCalls.DigestOf([1])}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("manifests").GetArrayLength());
    }

    [Fact]
    public async Task GetReferrers_InvalidDigest_ReturnsDigestInvalid()
    {
        using var response = await Client.GetAsync("/v2/library/app/referrers/sha256:zz");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Put_ArtifactWithCustomConfigType_IsAccepted()
    {
        var config = await Client.PushBlobAsync("library/art", Encoding.UTF8.GetBytes("{\"k\":1}"));
        var layer = await Client.PushBlobAsync("library/art", [5, 5, 5]);
        var manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"artifactType\":\"application/vnd.example.thing\",\"config\":{{\"mediaType\":\"application/vnd.example.config+json\",\"digest\":\"{config}\",\"size\":7}},\"layers\":[{{\"mediaType\":\"application/x-anything\",\"digest\":\"{layer}\",\"size\":3}}]}}");
        using var response = await Client.PutManifestAsync("library/art", "v1", manifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Put_ContentTypeDisagreesWithPayload_ReturnsManifestInvalid()
    {
        var config = await Client.PushBlobAsync("library/app", [1, 2, 3]);
        var manifest = RegistryCalls.ImageManifest(config, 3, []);
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.DockerManifest);
        using var response = await Client.PutAsync("/v2/library/app/manifests/v1", content);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }
}
