using System.Net;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Tests.Access;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

/// <summary>Projects and role bindings over HTTP.</summary>
public sealed class ProjectEndpointsTests : IAsyncLifetime
{
    private AccessTestOrigin _origin = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _origin = await AccessTestOrigin.StartAsync();
        _admin = _origin.Basic("openshift", await _origin.UserWithTokenAsync("root", [Roles.ClusterAdmin], []));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _origin.DisposeAsync();
    }

    [Fact]
    public async Task Create_ClusterAdmin_CreatesOnceThenConflicts()
    {
        using var created = await _admin.PostAsync("/apis/project.openshift.io/v1/projects", Json("""{"metadata":{"name":"team"},"public":true}"""));
        using var again = await _admin.PostAsync("/apis/project.openshift.io/v1/projects", Json("""{"metadata":{"name":"team"}}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("public").GetBoolean());
        await again.AssertErrorAsync(HttpStatusCode.Conflict, "ALREADY_EXISTS");
        Assert.True((await _origin.Store.GetProjectAsync("team", CancellationToken.None))!.Public);
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"Team"}}""")]
    [InlineData("""{"metadata":{"name":"-team"}}""")]
    [InlineData("""{"metadata":{}}""")]
    [InlineData("[]")]
    public async Task Create_InvalidName_IsInvalid(string body)
    {
        using var response = await _admin.PostAsync("/apis/project.openshift.io/v1/projects", Json(body));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "INVALID");
    }

    [Fact]
    public async Task Create_UserWhoIsNotClusterAdmin_IsDenied()
    {
        var token = await _origin.UserWithTokenAsync("alice", [Roles.Registry], []);
        using var client = _origin.Basic("openshift", token);

        using var response = await client.PostAsync("/apis/project.openshift.io/v1/projects", Json("""{"metadata":{"name":"mine"}}"""));

        await response.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
    }

    [Fact]
    public async Task List_User_SeesProjectsWithARoleAndPublicOnes()
    {
        foreach (var (name, isPublic) in new[] { ("a", false), ("b", true), ("c", false) })
        {
            await _origin.Store.CreateProjectAsync(name, isPublic, CancellationToken.None);
        }

        var token = await _origin.UserWithTokenAsync("bob", [Roles.Registry], [("a", Roles.RegistryViewer)]);
        using var client = _origin.Basic("openshift", token);
        using var anonymous = _origin.Anonymous();

        Assert.Equal(["a", "b"], await NamesAsync(client));
        Assert.Equal(["b"], await NamesAsync(anonymous));
        Assert.Equal(["a", "b", "c"], await NamesAsync(_admin));
    }

    [Fact]
    public async Task RoleBindings_ProjectAdminAddsAndRemovesAViewer_AccessFollows()
    {
        await _origin.Store.CreateProjectAsync("team", false, CancellationToken.None);
        await _admin.PushImageAsync("team/app", "v1");
        var admin = await _origin.UserWithTokenAsync("lead", [Roles.Registry], [("team", Roles.Admin)]);
        var viewer = await _origin.UserWithTokenAsync("newcomer", [Roles.Registry], []);
        using var lead = _origin.Basic("openshift", admin);
        using var newcomer = _origin.Basic("openshift", viewer);

        using var before = await newcomer.GetAsync("/v2/team/app/manifests/v1");
        using var added = await lead.PostAsync(
            "/apis/authorization.openshift.io/v1/namespaces/team/rolebindings",
            Json("""{"roleRef":{"name":"registry-viewer"},"subjects":[{"kind":"User","name":"newcomer"}]}"""));
        using var during = await newcomer.GetAsync("/v2/team/app/manifests/v1");
        using var removed = await lead.DeleteAsync("/apis/authorization.openshift.io/v1/namespaces/team/rolebindings/registry-viewer/newcomer");
        using var after = await newcomer.GetAsync("/v2/team/app/manifests/v1");

        await before.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        await after.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
    }

    [Fact]
    public async Task RoleBindings_ClusterRoleInAProject_IsInvalid()
    {
        await _origin.Store.CreateProjectAsync("team", false, CancellationToken.None);

        using var response = await _admin.PostAsync(
            "/apis/authorization.openshift.io/v1/namespaces/team/rolebindings",
            Json("""{"roleRef":{"name":"cluster-admin"},"subjects":[{"kind":"User","name":"x"}]}"""));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "INVALID");
    }

    [Fact]
    public async Task Patch_MakePublic_AnonymousPullWorks()
    {
        await _origin.Store.CreateProjectAsync("team", false, CancellationToken.None);
        await _admin.PushImageAsync("team/app", "v1");
        using var anonymous = _origin.Anonymous();

        using var before = await anonymous.GetAsync("/v2/team/app/manifests/v1");
        using var patched = await _admin.PatchAsync("/apis/project.openshift.io/v1/projects/team", Json("""{"public":true}"""));
        using var after = await anonymous.GetAsync("/v2/team/app/manifests/v1");

        await before.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static async Task<List<string>> NamesAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/apis/project.openshift.io/v1/projects");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("name").GetString()!).ToList();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
