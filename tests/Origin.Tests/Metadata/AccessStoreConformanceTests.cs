using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>What every <see cref="IAccessStore"/> provider must do (the access model, schema version 2), run against each by a subclass.</summary>
public abstract class AccessStoreConformanceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, 123, TimeSpan.Zero));
    private readonly CancellationToken _ct = CancellationToken.None;
    private IMetadataStore _metadata = null!;

    private IAccessStore Store => (IAccessStore)_metadata;

    public async Task InitializeAsync()
    {
        _metadata = await CreateStoreAsync(_clock);
        await _metadata.InitializeAsync(_ct);
    }

    public async Task DisposeAsync()
    {
        await DisposeStoreAsync(_metadata);
        await DisposeDatabaseAsync();
    }

    /// <summary>A new store (an <see cref="IAccessStore"/> too), not initialized, on the test's database (the same database every call).</summary>
    protected abstract Task<IMetadataStore> CreateStoreAsync(TimeProvider clock);

    /// <summary>Deletes the test's database, after every store made on it has been disposed.</summary>
    protected abstract Task DisposeDatabaseAsync();

    private static async Task DisposeStoreAsync(IMetadataStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Fact]
    public async Task CreateProjectAsync_NewAndExisting_CreatesOnceAndKeepsTheFlag()
    {
        Assert.True(await Store.CreateProjectAsync("team", isPublic: true, _ct));
        Assert.False(await Store.CreateProjectAsync("team", isPublic: false, _ct));

        Assert.Equal(new ProjectRecord("team", true, _clock.GetUtcNow()), await Store.GetProjectAsync("team", _ct));
        Assert.Null(await Store.GetProjectAsync("nope", _ct));
    }

    [Fact]
    public async Task ListProjectsAsync_SeveralProjects_OrdinalOrder()
    {
        await Store.CreateProjectAsync("b", false, _ct);
        await Store.CreateProjectAsync("a-1", false, _ct);
        await Store.CreateProjectAsync("a", true, _ct);

        Assert.Equal(["a", "a-1", "b"], (await Store.ListProjectsAsync(_ct)).Select(p => p.Name));
    }

    [Fact]
    public async Task SetProjectPublicAsync_ExistingAndMissing_FlipsOrReportsFalse()
    {
        await Store.CreateProjectAsync("team", false, _ct);

        Assert.True(await Store.SetProjectPublicAsync("team", true, _ct));
        Assert.False(await Store.SetProjectPublicAsync("nope", true, _ct));
        Assert.True((await Store.GetProjectAsync("team", _ct))!.Public);
    }

    [Fact]
    public async Task GetProjectAccessAsync_UserWithRoles_ReturnsFlagAndRolesInOrder()
    {
        await Store.CreateProjectAsync("team", true, _ct);
        await Store.AddProjectRoleAsync("team", "alice", "registry-viewer", _ct);
        await Store.AddProjectRoleAsync("team", "alice", "admin", _ct);
        await Store.AddProjectRoleAsync("team", "bob", "admin", _ct);

        var access = await Store.GetProjectAccessAsync("team", "alice", _ct);
        var anonymous = await Store.GetProjectAccessAsync("team", null, _ct);

        Assert.Equal(["admin", "registry-viewer"], access!.Roles);
        Assert.True(access.Public);
        Assert.Empty(anonymous!.Roles);
        Assert.Null(await Store.GetProjectAccessAsync("nope", "alice", _ct));
    }

    [Fact]
    public async Task AddProjectRoleAsync_MissingProject_ThrowsKeyNotFound()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AddProjectRoleAsync("nope", "alice", "admin", _ct));
    }

    [Fact]
    public async Task AddProjectRoleAsync_Twice_SecondReportsFalse()
    {
        await Store.CreateProjectAsync("team", false, _ct);

        Assert.True(await Store.AddProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.False(await Store.AddProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.Single(await Store.ListProjectRoleBindingsAsync("team", _ct));
    }

    [Fact]
    public async Task RemoveProjectRoleAsync_BoundAndUnbound_RemovesOnce()
    {
        await Store.CreateProjectAsync("team", false, _ct);
        await Store.AddProjectRoleAsync("team", "alice", "admin", _ct);

        Assert.True(await Store.RemoveProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.False(await Store.RemoveProjectRoleAsync("team", "alice", "admin", _ct));
        Assert.Empty(await Store.ListProjectRoleBindingsAsync("team", _ct));
    }

    [Fact]
    public async Task ListProjectRoleBindingsOfUserAsync_SeveralProjects_OrderedByProjectThenRole()
    {
        await Store.CreateProjectAsync("b", false, _ct);
        await Store.CreateProjectAsync("a", false, _ct);
        await Store.AddProjectRoleAsync("b", "alice", "admin", _ct);
        await Store.AddProjectRoleAsync("a", "alice", "registry-viewer", _ct);
        await Store.AddProjectRoleAsync("a", "alice", "admin", _ct);
        await Store.AddProjectRoleAsync("a", "bob", "admin", _ct);

        var bindings = await Store.ListProjectRoleBindingsOfUserAsync("alice", _ct);

        Assert.Equal([("a", "admin"), ("a", "registry-viewer"), ("b", "admin")], bindings.Select(b => (b.Project!, b.Role)));
        Assert.All(bindings, b => Assert.Equal(_clock.GetUtcNow(), b.Created));
    }

    [Fact]
    public async Task ClusterRoles_AddListRemove_RoundTrip()
    {
        Assert.True(await Store.AddClusterRoleAsync("alice", "system:registry", _ct));
        Assert.False(await Store.AddClusterRoleAsync("alice", "system:registry", _ct));
        await Store.AddClusterRoleAsync("alice", "cluster-admin", _ct);
        await Store.AddClusterRoleAsync("bob", "system:registry", _ct);

        Assert.Equal(["cluster-admin", "system:registry"], await Store.GetClusterRolesAsync("alice", _ct));
        Assert.Equal([("alice", "cluster-admin"), ("alice", "system:registry"), ("bob", "system:registry")], (await Store.ListClusterRoleBindingsAsync(_ct)).Select(b => (b.User, b.Role)));
        Assert.All(await Store.ListClusterRoleBindingsAsync(_ct), b => Assert.Null(b.Project));
        Assert.True(await Store.RemoveClusterRoleAsync("alice", "cluster-admin", _ct));
        Assert.False(await Store.RemoveClusterRoleAsync("alice", "cluster-admin", _ct));
        Assert.Equal(["system:registry"], await Store.GetClusterRolesAsync("alice", _ct));
    }

    [Fact]
    public async Task Users_CreateGetSetPasswordList_RoundTrip()
    {
        Assert.True(await Store.CreateUserAsync("bob", "$2a$hash", _ct));
        Assert.False(await Store.CreateUserAsync("bob", null, _ct));
        await Store.CreateUserAsync("alice", null, _ct);

        Assert.Equal(new UserRecord("bob", "$2a$hash", _clock.GetUtcNow()), await Store.GetUserAsync("bob", _ct));
        Assert.True(await Store.SetPasswordHashAsync("alice", "$2a$other", _ct));
        Assert.False(await Store.SetPasswordHashAsync("carol", "$2a$other", _ct));
        Assert.Equal([("alice", "$2a$other"), ("bob", "$2a$hash")], (await Store.ListUsersAsync(_ct)).Select(u => (u.Name, u.PasswordHash)));
    }

    [Fact]
    public async Task DeleteUserAsync_UserWithTokensAndBindings_RemovesAllOfThem()
    {
        await Store.CreateProjectAsync("team", false, _ct);
        await Store.CreateUserAsync("alice", null, _ct);
        await Store.AddProjectRoleAsync("team", "alice", "admin", _ct);
        await Store.AddClusterRoleAsync("alice", "system:registry", _ct);
        await Store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        await Store.AddClusterRoleAsync("bob", "system:registry", _ct);

        Assert.True(await Store.DeleteUserAsync("alice", _ct));
        Assert.False(await Store.DeleteUserAsync("alice", _ct));

        Assert.Null(await Store.GetUserAsync("alice", _ct));
        Assert.Null(await Store.GetAccessTokenAsync("0000000000000001", _ct));
        Assert.Empty(await Store.ListProjectRoleBindingsAsync("team", _ct));
        Assert.Equal(["bob"], (await Store.ListClusterRoleBindingsAsync(_ct)).Select(b => b.User));
    }

    [Fact]
    public async Task CreateAccessTokenAsync_StampsCreatedAndKeepsExpiryToTheMillisecond()
    {
        var expires = _clock.GetUtcNow().AddHours(1).AddTicks(5);
        var stored = await Store.CreateAccessTokenAsync(Token("00000000000000aa", "alice") with { Expires = expires, Revoked = _clock.GetUtcNow() }, _ct);
        var read = await Store.GetAccessTokenAsync("00000000000000aa", _ct);

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
        await Store.CreateAccessTokenAsync(Token("00000000000000bb", "alice"), _ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateAccessTokenAsync(Token("00000000000000bb", "bob"), _ct));
    }

    [Fact]
    public async Task RevokeAccessTokenAsync_Twice_StampsOnceAndSecondReportsFalse()
    {
        await Store.CreateAccessTokenAsync(Token("00000000000000cc", "alice"), _ct);
        _clock.Advance(TimeSpan.FromMinutes(3));

        Assert.True(await Store.RevokeAccessTokenAsync("00000000000000cc", _ct));
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.False(await Store.RevokeAccessTokenAsync("00000000000000cc", _ct));
        Assert.False(await Store.RevokeAccessTokenAsync("00000000000000zz", _ct));

        Assert.Equal(_clock.GetUtcNow().AddMinutes(-3), (await Store.GetAccessTokenAsync("00000000000000cc", _ct))!.Revoked);
    }

    [Fact]
    public async Task RevokeAccessTokensOfUserAsync_MixedTokens_RevokesOnlyTheUsersActiveOnes()
    {
        await Store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        await Store.CreateAccessTokenAsync(Token("0000000000000002", "alice"), _ct);
        await Store.CreateAccessTokenAsync(Token("0000000000000003", "bob"), _ct);
        await Store.RevokeAccessTokenAsync("0000000000000001", _ct);

        Assert.Equal(1, await Store.RevokeAccessTokensOfUserAsync("alice", _ct));
        Assert.Null((await Store.GetAccessTokenAsync("0000000000000003", _ct))!.Revoked);
    }

    [Fact]
    public async Task ListAccessTokensAsync_SeveralTokens_NewestFirst()
    {
        await Store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Store.CreateAccessTokenAsync(Token("0000000000000002", "alice"), _ct);
        await Store.CreateAccessTokenAsync(Token("0000000000000003", "bob"), _ct);

        Assert.Equal(["0000000000000002", "0000000000000001"], (await Store.ListAccessTokensAsync("alice", _ct)).Select(t => t.Id));
    }

    [Fact]
    public async Task AccessTables_ReopenedStore_KeepEverything()
    {
        await Store.CreateProjectAsync("team", true, _ct);
        await Store.AddProjectRoleAsync("team", "alice", "admin", _ct);
        await Store.CreateAccessTokenAsync(Token("0000000000000001", "alice"), _ct);
        await DisposeStoreAsync(_metadata);

        _metadata = await CreateStoreAsync(_clock);
        await _metadata.InitializeAsync(_ct);

        Assert.True((await Store.GetProjectAsync("team", _ct))!.Public);
        Assert.Equal(["admin"], (await Store.GetProjectAccessAsync("team", "alice", _ct))!.Roles);
        Assert.NotNull(await Store.GetAccessTokenAsync("0000000000000001", _ct));
    }

    private static AccessTokenRecord Token(string id, string user) =>
        new(id, user, [1, 2, 3, 4], "desc", default, null, null);
}
