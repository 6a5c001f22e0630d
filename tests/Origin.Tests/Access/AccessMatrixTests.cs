using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.Access;

/// <summary>
/// The authorization matrix: every /v2 endpoint and the image stream API, for every kind of caller, answers the
/// exact status, and on refusal the exact OCI error code: UNAUTHORIZED with a WWW-Authenticate challenge (no
/// or bad credentials), DENIED (a known user without the right). Columns are
/// <see cref="AccessMatrixFixture.Principals"/>: anonymous, wrong password, expired token, revoked token, user
/// without system:registry (admin of proj), viewer of proj, image-builder of proj, admin of proj, admin of
/// another project, cluster-admin.
/// </summary>
public sealed class AccessMatrixTests(AccessMatrixFixture fixture) : IClassFixture<AccessMatrixFixture>
{
    private const string Pull = "401 401 401 401 403 200 200 200 403 200";

    /// <summary>Each endpoint with its expected outcome per principal: a status, 401 (UNAUTHORIZED + challenge), 403 (DENIED), 404 (BLOB_UNKNOWN).</summary>
    private static readonly (string Endpoint, string Expected)[] Matrix =
    [
        ("GET /v2/", "401 401 401 401 403 200 200 200 200 200"),
        ("GET /v2/_catalog", "401 401 401 401 403 200 200 200 200 200"),
        ("GET tags/list", Pull),
        ("GET manifest by tag", Pull),
        ("HEAD manifest by digest", Pull),
        ("PUT manifest", "401 401 401 401 403 403 201 201 403 201"),
        ("DELETE manifest", "401 401 401 401 403 403 403 202 403 202"),
        ("GET blob", Pull),
        ("HEAD blob", Pull),
        ("DELETE blob", "401 401 401 401 403 403 403 202 403 202"),
        ("POST upload", "401 401 401 401 403 403 202 202 403 202"),
        ("POST monolithic upload", "401 401 401 401 403 403 201 201 403 201"),
        ("PATCH upload", "401 401 401 401 403 403 202 202 403 202"),
        ("PUT upload", "401 401 401 401 403 403 201 201 403 201"),
        ("GET upload", "401 401 401 401 403 403 204 204 403 204"),
        ("DELETE upload", "401 401 401 401 403 403 204 204 403 204"),
        ("GET referrers", Pull),
        ("POST mount from a project the caller cannot read", "401 401 401 401 403 403 403 403 403 201"),
        ("GET blob through a repository that does not link it", "401 401 401 401 403 404 404 404 403 404"),
        ("GET imagestreams", Pull),
        ("GET imagestream", Pull),
        ("GET imagestreamtag", Pull),
        ("POST imagestreamtag", "401 401 401 401 403 403 201 201 403 201"),
        ("DELETE imagestreamtag", "401 401 401 401 403 403 403 200 403 200"),
        ("PATCH project", "401 401 401 401 403 403 403 200 403 200"),
        ("GET rolebindings", "401 401 401 401 403 403 403 200 403 200"),
    ];

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (endpoint, expected) in Matrix)
        {
            var outcomes = expected.Split(' ');
            Assert.Equal(AccessMatrixFixture.Principals.Length, outcomes.Length);
            for (var i = 0; i < outcomes.Length; i++)
            {
                data.Add(endpoint, AccessMatrixFixture.Principals[i], outcomes[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_Principal_AnswersAsTheMatrixSays(string endpoint, string principal, string expected)
    {
        using var client = fixture.ClientFor(principal);
        var request = await PrepareAsync(endpoint);
        var isApi = request.RequestUri!.OriginalString.StartsWith("/apis/", StringComparison.Ordinal);
        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        var context = $"{endpoint} as {principal}: got {(int)response.StatusCode} {body}";
        switch (expected)
        {
            case "401":
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, context);
                var challenge = response.Headers.WwwAuthenticate.ToString();
                var origin = fixture.Origin;
                Assert.StartsWith(
                    isApi ? "Basic realm=\"openshift\"" : $"Bearer realm=\"http://{origin.Host}/openshift/token\",service=\"{origin.Host}\"",
                    challenge);
                AssertCode(request, body, "UNAUTHORIZED", context);
                break;
            case "403":
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, context);
                Assert.Empty(response.Headers.WwwAuthenticate);
                AssertCode(request, body, "DENIED", context);
                break;
            case "404":
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, context);
                AssertCode(request, body, "BLOB_UNKNOWN", context);
                break;
            default:
                Assert.True((int)response.StatusCode == int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), context);
                break;
        }
    }

    [Fact]
    public async Task Catalog_EachCaller_ListsOnlyRepositoriesItMayPull()
    {
        // Other cases of the fixture may have created more repositories in proj meanwhile.
        var viewer = await CatalogAsync("viewer");
        Assert.Contains("proj/app", viewer);
        Assert.All(viewer, name => Assert.StartsWith("proj/", name));
        Assert.Equal(["other/secret"], await CatalogAsync("other-project-admin"));
        var all = await CatalogAsync("cluster-admin");
        Assert.Contains("other/secret", all);
        Assert.Contains("proj/app", all);
    }

    private async Task<List<string>> CatalogAsync(string principal)
    {
        using var client = fixture.ClientFor(principal);
        using var response = await client.GetAsync("/v2/_catalog");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static void AssertCode(HttpRequestMessage request, string body, string code, string context)
    {
        if (request.Method == HttpMethod.Head)
        {
            // A HEAD answer has no body to carry the code.
            Assert.True(body.Length == 0, context);
            return;
        }

        using var json = JsonDocument.Parse(body);
        Assert.True(code == json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString(), context);
    }

    /// <summary>Builds the request of a matrix row, first preparing (as cluster-admin) whatever it acts on, so no case depends on another.</summary>
    private async Task<HttpRequestMessage> PrepareAsync(string endpoint)
    {
        var digest = fixture.AppImage.Digest;
        switch (endpoint)
        {
            case "GET /v2/":
                return new(HttpMethod.Get, "/v2/");
            case "GET /v2/_catalog":
                return new(HttpMethod.Get, "/v2/_catalog");
            case "GET tags/list":
                return new(HttpMethod.Get, "/v2/proj/app/tags/list");
            case "GET manifest by tag":
                return new(HttpMethod.Get, "/v2/proj/app/manifests/v1");
            case "HEAD manifest by digest":
                return new(HttpMethod.Head, $"/v2/proj/app/manifests/{digest}");
            case "PUT manifest":
            {
                var content = new ByteArrayContent(fixture.AppImage.Manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
                return new(HttpMethod.Put, $"/v2/proj/app/manifests/put-{fixture.Next()}") { Content = content };
            }

            case "DELETE manifest":
                return new(HttpMethod.Delete, $"/v2/proj/app/manifests/{(await fixture.PushFreshImageAsync()).Digest}");
            case "GET blob":
                return new(HttpMethod.Get, $"/v2/proj/app/blobs/{fixture.AppLayer}");
            case "HEAD blob":
                return new(HttpMethod.Head, $"/v2/proj/app/blobs/{fixture.AppLayer}");
            case "DELETE blob":
                return new(HttpMethod.Delete, $"/v2/proj/app/blobs/{await fixture.Admin.PushBlobAsync("proj/app", RegistryCalls.RandomBytes(100))}");
            case "POST upload":
                return new(HttpMethod.Post, "/v2/proj/app/blobs/uploads/");
            case "POST monolithic upload":
            {
                var bytes = RegistryCalls.RandomBytes(64);
                return new(HttpMethod.Post, $"/v2/proj/app/blobs/uploads/?digest={RegistryCalls.DigestOf(bytes)}") { Content = new ByteArrayContent(bytes) };
            }

            case "PATCH upload":
                return new(HttpMethod.Patch, await fixture.Admin.StartUploadAsync("proj/app")) { Content = RegistryCalls.Chunk(RegistryCalls.RandomBytes(32), 0) };
            case "PUT upload":
            {
                var bytes = RegistryCalls.RandomBytes(48);
                var location = RegistryCalls.AppendQuery(await fixture.Admin.StartUploadAsync("proj/app"), $"digest={RegistryCalls.DigestOf(bytes)}");
                return new(HttpMethod.Put, location) { Content = new ByteArrayContent(bytes) };
            }

            case "GET upload":
                return new(HttpMethod.Get, await fixture.Admin.StartUploadAsync("proj/app"));
            case "DELETE upload":
                return new(HttpMethod.Delete, await fixture.Admin.StartUploadAsync("proj/app"));
            case "GET referrers":
                return new(HttpMethod.Get, $"/v2/proj/app/referrers/{digest}");
            case "POST mount from a project the caller cannot read":
                // A fresh target repository each time, so the blob is never linked there before the request.
                return new(HttpMethod.Post, $"/v2/proj/mount{fixture.Next()}/blobs/uploads/?mount={fixture.OtherLayer}&from=other/secret");
            case "GET blob through a repository that does not link it":
                return new(HttpMethod.Get, $"/v2/proj/app/blobs/{fixture.OtherLayer}");
            case "GET imagestreams":
                return new(HttpMethod.Get, "/apis/image.openshift.io/v1/namespaces/proj/imagestreams");
            case "GET imagestream":
                return new(HttpMethod.Get, "/apis/image.openshift.io/v1/namespaces/proj/imagestreams/app");
            case "GET imagestreamtag":
                return new(HttpMethod.Get, "/apis/image.openshift.io/v1/namespaces/proj/imagestreamtags/app:v1");
            case "POST imagestreamtag":
                return new(HttpMethod.Post, "/apis/image.openshift.io/v1/namespaces/proj/imagestreamtags")
                {
                    Content = Json("{\"metadata\":{\"name\":\"copy:c" + fixture.Next() + "\"},\"tag\":{\"from\":{\"kind\":\"ImageStreamTag\",\"namespace\":\"proj\",\"name\":\"app:v1\"}}}"),
                };
            case "DELETE imagestreamtag":
                return new(HttpMethod.Delete, $"/apis/image.openshift.io/v1/namespaces/proj/imagestreamtags/app:{(await fixture.PushFreshImageAsync()).Tag}");
            case "PATCH project":
                return new(HttpMethod.Patch, "/apis/project.openshift.io/v1/projects/proj") { Content = Json("""{"public":false}""") };
            case "GET rolebindings":
                return new(HttpMethod.Get, "/apis/authorization.openshift.io/v1/namespaces/proj/rolebindings");
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "no such matrix row");
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
