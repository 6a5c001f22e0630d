using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>The access model's part of the SQLite store (schema version 2).</summary>
public sealed class SqliteAccessStoreTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-access-store-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, 123, TimeSpan.Zero));
    private readonly CancellationToken _ct = CancellationToken.None;
    private SqliteMetadataStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await _store.InitializeAsync(_ct);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task CreateProjectAsync_NewAndExisting_CreatesOnceAndKeepsTheFlag()
    {
        Assert.True(await _store.CreateProjectAsync("team", isPublic: true, _ct));
        Assert.False(await _store.CreateProjectAsync("team", isPublic: false, _ct));

        Assert.Equal(new ProjectRecord("team", true, _clock.GetUtcNow()), await _store.GetProjectAsync("team", _ct));
        Assert.Null(await _store.GetProjectAsync("nope", _ct));
    }

    [Fact]
    public async Task ListProjectsAsync_SeveralProjects_OrdinalOrder()
    {
        await _store.CreateProjectAsync("b", false, _ct);
        await _store.CreateProjectAsync("a-1", false, _ct);
        await _store.CreateProjectAsync("a", true, _ct);

        Assert.Equal(["a", "a-1", "b"], (await _store.ListProjectsAsync(_ct)).Select(p => p.Name));
    }

    [Fact]
    public async Task SetProjectPublicAsync_ExistingAndMissing_FlipsOrReportsFalse()
    {
        await _store.CreateProjectAsync("team", false, _ct);

        Assert.True(await _store.SetProjectPublicAsync("team", true, _ct));
        Assert.False(await _store.SetProjectPublicAsync("nope", true, _ct));
        Assert.True((await _store.GetProjectAsync("team", _ct))!.Public);
    }

    [Fact]
    public async Task GetProjectAccessAsync_UserWithRoles_ReturnsFlagAndRolesInOrder()
    {
        await _store.CreateProjectAsync("team", true, _ct);
        await _store.AddProjectRoleAsync("team", "alice", "registry-viewer", _ct);
        await _store.AddProjectRoleAsync("team", "alice", "admin", _ct);
        await _store.AddProjectRoleAsync("team", "bob", "admin", _ct);

        var access = await _store.GetProjectAccessAsync("team", "alice", _ct);
        var anonymous = await _store.GetProjectAccessAsync("team", null, _ct);

        Assert.Equal(["admin", "registry-viewer"], access!.Roles);
        Assert.True(access.Public);
        Assert.Empty(anonymous!.Roles);
        Assert.Null(await _store.GetProjectAccessAsync("nope", "alice", _ct));
    }

    [Fact]
    public async Task AddProjectRoleAsync_MissingProject_ThrowsKeyNotFound()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _store.AddProjectRoleAsync("nope", "alice", "admin", _ct));
    }

    [Fact]
    public async Task AddProjectRoleAsync_Twice_SecondReportsFalse()
    {
        await _store.CreateProjectAsync("team", false, _ct);

        Assert.True(await _store.AddProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.False(await _store.AddProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.Single(await _store.ListProjectRoleBindingsAsync("team", _ct));
    }

    [Fact]
    public async Task RemoveProjectRoleAsync_BoundAndUnbound_RemovesOnce()
    {
        await _store.CreateProjectAsync("team", false, _ct);
        await _store.AddProjectRoleAsync("team", "alice", "admin", _ct);

        Assert.True(await _store.RemoveProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.False(await _store.RemoveProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.Empty(await _store.ListProjectRoleBindingsAsync("team", _ct));
    }

    [Fact]
    public async Task ListProjectRoleBindingsOfUserAsync_SeveralProjects_OrderedByProjectThenRole()
    {
        await _store.CreateProjectAsync("b", false, _ct);
        await _store.CreateProjectAsync("a", false, _ct);
        await _store.AddProjectRoleAsync("b", "alice", "admin", _ct);
        await _store.AddProjectRoleAsync("a", "alice", "registry-viewer", _ct);
        await _store.AddProjectRoleAsync("a", "alice", "admin", _ct);
        await _store.AddProjectRoleAsync("a", "bob", "admin", _ct);

        var bindings = await _store.ListProjectRoleBindingsOfUserAsync("alice", _ct);

        Assert.Equal([("a", "admin"), ("a", "registry-viewer"), ("b", "admin")], bindings.Select(b => (b.Project!, b.Role)));
        Assert.All(bindings, b => Assert.Equal(_clock.GetUtcNow(), b.Created));
    }

    [Fact]
    public async Task ClusterRoles_AddListRemove_RoundTrip()
    {
        Assert.True(await _store.AddClusterRoleAsync("alice", "system:registry", _ct));
        Assert.False(await _store.AddClusterRoleAsync("alice", "system:registry", _ct));
        await _store.AddClusterRoleAsync("alice", "cluster-admin", _ct);
        await _store.AddClusterRoleAsync("bob", "system:registry", _ct);

        Assert.Equal(["cluster-admin", "system:registry"], await _store.GetClusterRolesAsync("alice", _ct));
        Assert.Equal([("alice", "cluster-admin"), ("alice", "system:registry"), ("bob", "system:registry")], (await _store.ListClusterRoleBindingsAsync(_ct)).Select(b => (b.User, b.Role)));
        Assert.All(await _store.ListClusterRoleBindingsAsync(_ct), b => Assert.Null(b.Project));
        Assert.True(await _store.RemoveClusterRoleAsync("alice", "cluster-admin", _ct));
        Assert.False(await _store.RemoveClusterRoleAsync("alice", "cluster-admin", _ct));
        Assert.Equal(["system:registry"], await _store.GetClusterRolesAsync("alice", _ct));
    }

    [Fact]
    public async Task Users_CreateGetSetPasswordList_RoundTrip()
    {
        Assert.True(await _store.CreateUserAsync("bob", "$2a$hash", _ct));
        Assert.False(await _store.CreateUserAsync("bob", null, _ct));
        await _store.CreateUserAsync("alice", null, _ct);

        Assert.Equal(new UserRecord("bob", "$2a$hash", _clock.GetUtcNow()), await _store.GetUserAsync("bob", _ct));
        Assert.True(await _store.SetPasswordHashAsync("alice", "$2a$other", _ct));
        Assert.False(await _store.SetPasswordHashAsync("carol", "$2a$other", _ct));
        Assert.Equal([("alice", "$2a$other"), ("bob", "$2a$hash")], (await _store.ListUsersAsync(_ct)).Select(u => (u.Name, u.PasswordHash)));
    }

    [Fact]
    public async Task DeleteUserAsync_UserWithTokensAndBindings_RemovesAllOfThem()
    {
        await _store.CreateProjectAsync("team", false, _ct);
        await _store.CreateUserAsync("alice", null, _ct);
        await _store.AddProjectRoleAsync("team", "alice", "admin", _ct);
        await _store.AddClusterRoleAsync("alice", "system:registry", _ct);
        await _store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        await _store.AddClusterRoleAsync("bob", "system:registry", _ct);

        Assert.True(await _store.DeleteUserAsync("alice", _ct));
        Assert.False(await _store.DeleteUserAsync("alice", _ct));

        Assert.Null(await _store.GetUserAsync("alice", _ct));
        Assert.Null(await _store.GetAccessTokenAsync("0000000000000001", _ct));
        Assert.Empty(await _store.ListProjectRoleBindingsAsync("team", _ct));
        Assert.Equal(["bob"], (await _store.ListClusterRoleBindingsAsync(_ct)).Select(b => b.User));
    }

    [Fact]
    public async Task CreateAccessTokenAsync_StampsCreatedAndKeepsExpiryToTheMillisecond()
    {
        var expires = _clock.GetUtcNow().AddHours(1).AddTicks(5);
        var stored = await _store.CreateAccessTokenAsync(Token("00000000000000aa", "alice") with { Expires = expires, Revoked = _clock.GetUtcNow() }, _ct);
        var read = await _store.GetAccessTokenAsync("00000000000000aa", _ct);

        Assert.Equal(_clock.GetUtcNow(), read!.Created);
        Assert.Equal(expires.AddTicks(-5), read.Expires);
        Assert.Null(read.Revoked);
        Assert.Equal(stored.SecretHash, read.SecretHash);
        Assert.Equal(stored.Expires, read.Expires);
        Assert.Equal("desc", read.Description);
    }

    [Fact]
    public async Task CreateAccessTokenAsync_DuplicateId_Throws()
    {
        await _store.CreateAccessTokenAsync(Token("00000000000000bb", "alice"), _ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.CreateAccessTokenAsync(Token("00000000000000bb", "bob"), _ct));
    }

    [Fact]
    public async Task RevokeAccessTokenAsync_Twice_StampsOnceAndSecondReportsFalse()
    {
        await _store.CreateAccessTokenAsync(Token("00000000000000cc", "alice"), _ct);
        _clock.Advance(TimeSpan.FromMinutes(3));

        Assert.True(await _store.RevokeAccessTokenAsync("00000000000000cc", _ct));
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.False(await _store.RevokeAccessTokenAsync("00000000000000cc", _ct));
        Assert.False(await _store.RevokeAccessTokenAsync("00000000000000zz", _ct));

        Assert.Equal(_clock.GetUtcNow().AddMinutes(-3), (await _store.GetAccessTokenAsync("00000000000000cc", _ct))!.Revoked);
    }

    [Fact]
    public async Task RevokeAccessTokensOfUserAsync_MixedTokens_RevokesOnlyTheUsersActiveOnes()
    {
        await _store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        await _store.CreateAccessTokenAsync(Token("0000000000000002", "alice"), _ct);
        await _store.CreateAccessTokenAsync(Token("0000000000000003", "bob"), _ct);
        await _store.RevokeAccessTokenAsync("0000000000000001", _ct);

        Assert.Equal(1, await _store.RevokeAccessTokensOfUserAsync("alice", _ct));
        Assert.Null((await _store.GetAccessTokenAsync("0000000000000003", _ct))!.Revoked);
    }

    [Fact]
    public async Task ListAccessTokensAsync_SeveralTokens_NewestFirst()
    {
        await _store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _store.CreateAccessTokenAsync(Token("0000000000000002", "alice"), _ct);
        await _store.CreateAccessTokenAsync(Token("0000000000000003", "bob"), _ct);

        Assert.Equal(["0000000000000002", "0000000000000001"], (await _store.ListAccessTokensAsync("alice", _ct)).Select(t => t.Id));
    }

    [Fact]
    public async Task AccessTables_ReopenedStore_KeepEverything()
    {
        await _store.CreateProjectAsync("team", true, _ct);
        await _store.AddProjectRoleAsync("team", "alice", "admin", _ct);
        await _store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        _store.Dispose();

        _store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await _store.InitializeAsync(_ct);

        Assert.True((await _store.GetProjectAsync("team", _ct))!.Public);
        Assert.Equal(["admin"], (await _store.GetProjectAccessAsync("team", "alice", _ct))!.Roles);
        Assert.NotNull(await _store.GetAccessTokenAsync("0000000000000001", _ct));
    }

    private static AccessTokenRecord Token(string id, string user) =>
        new(id, user, [1, 2, 3, 4], "desc", default, null, null);
}
