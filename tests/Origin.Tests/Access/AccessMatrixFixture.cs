using System.Text;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.Access;

/// <summary>
/// One origin with auth for the authorization matrix: private projects <c>proj</c> (image <c>proj/app:v1</c>)
/// and <c>other</c> (image <c>other/secret:v1</c>, whose blobs <c>proj</c> does not link), and one client per
/// principal of the matrix.
/// </summary>
public sealed class AccessMatrixFixture : IAsyncLifetime
{
    /// <summary>The principals, in the column order of the matrix.</summary>
    public static readonly string[] Principals =
        ["anonymous", "wrong-password", "expired-token", "revoked-token", "no-system-registry", "viewer", "image-builder", "project-admin", "other-project-admin", "cluster-admin"];

    private readonly Dictionary<string, Func<HttpClient>> _clients = new(StringComparer.Ordinal);
    private int _counter;

    internal AccessTestOrigin Origin { get; private set; } = null!;

    /// <summary>A cluster administrator's client, for preparing what a case needs.</summary>
    internal HttpClient Admin { get; private set; } = null!;

    /// <summary>The manifest <c>proj/app:v1</c>, its digest and a layer digest.</summary>
    public (byte[] Manifest, string Digest) AppImage { get; private set; }

    public string AppLayer { get; private set; } = string.Empty;

    /// <summary>A layer linked only in <c>other/secret</c>.</summary>
    public string OtherLayer { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Origin = await AccessTestOrigin.StartAsync();
        var store = Origin.Store;
        var ct = CancellationToken.None;
        await store.CreateProjectAsync("proj", isPublic: false, ct);
        await store.CreateProjectAsync("other", isPublic: false, ct);

        var adminToken = await Origin.UserWithTokenAsync("root", [Roles.ClusterAdmin], []);
        Admin = Origin.Basic("openshift", adminToken);
        var viewer = await Origin.UserWithTokenAsync("viewer", [Roles.Registry], [("proj", Roles.RegistryViewer)]);
        var builder = await Origin.UserWithTokenAsync("builder", [Roles.Registry], [("proj", Roles.ImageBuilder)]);
        var projectAdmin = await Origin.UserWithTokenAsync("padmin", [Roles.Registry], [("proj", Roles.Admin)]);
        var otherAdmin = await Origin.UserWithTokenAsync("oadmin", [Roles.Registry], [("other", Roles.Admin)]);
        var noRegistry = await Origin.UserWithTokenAsync("noreg", [], [("proj", Roles.Admin)]);
        var expired = await Origin.UserWithTokenAsync("expired", [Roles.Registry], [("proj", Roles.Admin)], lifetime: TimeSpan.FromMinutes(1));
        var revoked = await Origin.UserWithTokenAsync("revoked", [Roles.Registry], [("proj", Roles.Admin)]);
        await store.RevokeAccessTokenAsync(AccessTokenService.IdOf(revoked)!, ct);
        Origin.Clock.Advance(TimeSpan.FromMinutes(2));

        // The right id with a wrong secret: the token's "password" is wrong.
        var wrong = projectAdmin[..^4] + (projectAdmin[^4..] == "AAAA" ? "BBBB" : "AAAA");

        _clients["anonymous"] = Origin.Anonymous;
        _clients["wrong-password"] = () => Origin.Basic("padmin", wrong);
        _clients["expired-token"] = () => Origin.Basic("openshift", expired);
        _clients["revoked-token"] = () => Origin.Basic("openshift", revoked);
        _clients["no-system-registry"] = () => Origin.Basic("openshift", noRegistry);
        _clients["viewer"] = () => Origin.Basic("openshift", viewer);
        _clients["image-builder"] = () => Origin.Basic("openshift", builder);
        _clients["project-admin"] = () => Origin.Basic("openshift", projectAdmin);
        _clients["other-project-admin"] = () => Origin.Basic("openshift", otherAdmin);
        _clients["cluster-admin"] = () => Origin.Basic("openshift", adminToken);

        AppImage = await Admin.PushImageAsync("proj/app", "v1");
        AppLayer = await Admin.PushBlobAsync("proj/app", RegistryCalls.RandomBytes(500));
        await Admin.PushImageAsync("other/secret", "v1");
        OtherLayer = await Admin.PushBlobAsync("other/secret", RegistryCalls.RandomBytes(700));
    }

    internal HttpClient ClientFor(string principal) => _clients[principal]();

    /// <summary>A number no other case of this fixture has used (for unique tags and contents).</summary>
    public int Next() => Interlocked.Increment(ref _counter);

    /// <summary>Pushes a small image with its own config into <c>proj/app</c> under a fresh tag; returns its digest.</summary>
    internal async Task<(string Digest, byte[] Manifest, string Tag)> PushFreshImageAsync()
    {
        var n = Next();
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":{n}}}");
        var configDigest = await Admin.PushBlobAsync("proj/app", config);
        var manifest = RegistryCalls.ImageManifest(configDigest, config.Length, [(AppLayer, 500)]);
        using var response = await Admin.PutManifestAsync("proj/app", $"fresh-{n}", manifest);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (RegistryCalls.DigestOf(manifest), manifest, $"fresh-{n}");
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Origin.DisposeAsync();
    }
}
