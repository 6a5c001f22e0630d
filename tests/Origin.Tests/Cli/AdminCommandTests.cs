using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Cli;
using EdgeRegistry.Origin.Metadata.Sqlite;
using EdgeRegistry.Origin.Tests.Api;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Cli;

/// <summary>The admin command line against a real config file and metadata store in a temp directory.</summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeregistry-cli-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));

    public AdminCommandTests()
    {
        File.WriteAllText(ConfigPath, $"""
            version: 0.1
            http:
              addr: 172.30.124.220:5000
            storage:
              filesystem:
                rootdirectory: '{_directory}'
            auth:
              openshift:
                realm: openshift
                htpasswd:
                  path: '{HtpasswdPath}'
            """);
        File.WriteAllText(HtpasswdPath, $"hank:{BCrypt.Net.BCrypt.HashPassword("hank-pass", 4)}\n");
    }

    private string ConfigPath => Path.Combine(_directory, "config.yml");

    private string HtpasswdPath => Path.Combine(_directory, "users.htpasswd");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task CreateProject_NewThenAgain_CreatesThenFails()
    {
        var first = await RunAsync("create-project", "test");
        var second = await RunAsync("create-project", "test");

        Assert.Equal((0, "project \"test\" created\n"), (first.Code, first.Output));
        Assert.Equal(1, second.Code);
        Assert.Equal("error: project \"test\" already exists\n", second.Error);
    }

    [Fact]
    public async Task CreateProject_InvalidName_IsUsageError()
    {
        var result = await RunAsync("create-project", "Not_Valid");

        Assert.Equal(2, result.Code);
        Assert.Contains("not a valid project name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetProjects_PublicAndPrivate_PrintsTable()
    {
        await RunAsync("create-project", "b");
        await RunAsync("create-project", "a", "--public");

        var result = await RunAsync("get", "projects");

        Assert.Equal(
            "NAME      PUBLIC    CREATED\n" +
            "a         true      2026-04-01T09:00:00Z\n" +
            "b         false     2026-04-01T09:00:00Z\n",
            result.Output);
    }

    [Fact]
    public async Task CreateUser_PasswordOnStdin_StoresABcryptHashThatVerifies()
    {
        var result = await RunAsync(["create-user", "alice", "--password-stdin"], "s3cret\n");

        Assert.Equal(0, result.Code);
        using var store = await OpenStoreAsync();
        var user = await store.GetUserAsync("alice", CancellationToken.None);
        Assert.StartsWith("$2", user!.PasswordHash, StringComparison.Ordinal);
        Assert.True(BCrypt.Net.BCrypt.Verify("s3cret", user.PasswordHash));
        Assert.DoesNotContain("s3cret", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_NameWithColon_IsUsageError()
    {
        var result = await RunAsync("create-user", "open:shift");

        Assert.Equal(2, result.Code);
    }

    [Fact]
    public async Task Token_KnownUser_PrintsOnlyATokenThatValidates()
    {
        await RunAsync("create-user", "alice");

        var result = await RunAsync("token", "alice", "--expires", "2h");

        Assert.Equal(0, result.Code);
        var token = result.Output.TrimEnd('\n');
        Assert.True(AccessTokenService.LooksLikeToken(token));
        using var store = await OpenStoreAsync();
        var record = await new AccessTokenService(store, _clock).ValidateAsync(token, CancellationToken.None);
        Assert.Equal("alice", record!.User);
        Assert.Equal(_clock.GetUtcNow().AddHours(2), record.Expires);
    }

    [Fact]
    public async Task Token_HtpasswdUserAndNeverExpiring_IsMinted()
    {
        var result = await RunAsync("token", "hank", "--expires", "never");

        using var store = await OpenStoreAsync();
        var record = await new AccessTokenService(store, _clock).ValidateAsync(result.Output.Trim(), CancellationToken.None);
        Assert.Null(record!.Expires);
    }

    [Fact]
    public async Task Token_UnknownUser_Fails()
    {
        var result = await RunAsync("token", "nobody");

        Assert.Equal(1, result.Code);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task RevokeToken_ByWholeTokenOrId_RevokesAndListsAsRevoked()
    {
        await RunAsync("create-user", "alice");
        var token = (await RunAsync("token", "alice")).Output.Trim();
        var id = AccessTokenService.IdOf(token)!;

        var revoked = await RunAsync("revoke-token", token);
        var again = await RunAsync("revoke-token", id);
        var listed = await RunAsync("tokens", "alice");

        Assert.Equal($"token {id} revoked\n", revoked.Output);
        Assert.Equal($"token {id} was already revoked\n", again.Output);
        Assert.Contains($"{id}   admin token   2026-04-01T09:00:00Z   2026-04-02T09:00:00Z   revoked", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeToken_AllOfAUser_CountsThem()
    {
        await RunAsync("create-user", "alice");
        await RunAsync("token", "alice");
        await RunAsync("token", "alice");

        var result = await RunAsync("revoke-token", "--user", "alice");

        Assert.Equal("2 token(s) of \"alice\" revoked\n", result.Output);
    }

    [Fact]
    public async Task Policy_AddAndRemoveProjectRole_ChangesBindings()
    {
        await RunAsync("create-project", "test");

        var added = await RunAsync("policy", "add-role-to-user", "system:image-builder", "hank", "-n", "test");
        var listed = await RunAsync("get", "rolebindings", "-n", "test");
        var removed = await RunAsync("policy", "remove-role-from-user", "system:image-builder", "hank", "-n", "test");

        Assert.Equal("role \"system:image-builder\" added: \"hank\" in project \"test\"\n", added.Output);
        Assert.Equal("ROLE                   USERS\nsystem:image-builder   hank\n", listed.Output);
        Assert.Equal("role \"system:image-builder\" removed: \"hank\" in project \"test\"\n", removed.Output);
        using var store = await OpenStoreAsync();
        Assert.Empty(await store.ListProjectRoleBindingsAsync("test", CancellationToken.None));
    }

    [Fact]
    public async Task Policy_SeedsFormForSystemRegistryWithoutProject_IsAClusterBinding()
    {
        var result = await RunAsync("policy", "add-role-to-user", "system:registry", "hank");

        Assert.Equal(0, result.Code);
        using var store = await OpenStoreAsync();
        Assert.Equal([Roles.Registry], await store.GetClusterRolesAsync("hank", CancellationToken.None));
    }

    [Fact]
    public async Task Policy_AddClusterRole_UnknownUserWarns()
    {
        var result = await RunAsync("policy", "add-cluster-role-to-user", "cluster-admin", "ghost");

        Assert.Equal("cluster role \"cluster-admin\" added: \"ghost\"\n", result.Output);
        Assert.Contains("no user \"ghost\" exists yet", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("add-role-to-user", "admin", "hank")]
    [InlineData("add-role-to-user", "cluster-admin", "hank", "-n", "test")]
    [InlineData("add-cluster-role-to-user", "admin", "hank")]
    [InlineData("add-role-to-user", "no-such-role", "hank", "-n", "test")]
    public async Task Policy_RoleAndProjectMismatch_IsUsageError(params string[] args)
    {
        await RunAsync("create-project", "test");

        var result = await RunAsync(["policy", .. args]);

        Assert.Equal(2, result.Code);
    }

    [Fact]
    public async Task Policy_MissingProject_Fails()
    {
        var result = await RunAsync("policy", "add-role-to-user", "admin", "hank", "-n", "nowhere");

        Assert.Equal((1, "error: project \"nowhere\" not found\n"), (result.Code, result.Error));
    }

    [Fact]
    public async Task GetImageStreams_AfterPushAndTag_PrintsTheSeedsTable()
    {
        using (var store = await OpenStoreAsync())
        {
            await PutImageAsync(store, "test/busybox", "latest");
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        var empty = await RunAsync("get", "imagestreams", "-n", "anyproject");
        var listed = await RunAsync("get", "imagestreams", "-n", "test");

        Assert.Equal("NAME      DOCKER REPO   TAGS      UPDATED\n", empty.Output);
        Assert.Equal(
            "NAME      DOCKER REPO                        TAGS      UPDATED\n" +
            "busybox   172.30.124.220:5000/test/busybox   latest    2 seconds ago\n",
            listed.Output);
    }

    [Fact]
    public async Task Tag_AcrossStreams_LinksTheImageIntoTheDestination()
    {
        string digest;
        using (var store = await OpenStoreAsync())
        {
            digest = await PutImageAsync(store, "test/srcimagestream", "latest");
        }

        var result = await RunAsync("tag", "srcimagestream:latest", "anyproject/pullimagestream:latest", "-n", "test");

        Assert.Equal($"Tag anyproject/pullimagestream:latest set to test/srcimagestream@{digest}.\n", result.Output);
        using var check = await OpenStoreAsync();
        var manifest = await check.GetManifestByTagAsync("anyproject/pullimagestream", "latest", CancellationToken.None);
        Assert.Equal(digest, manifest!.Digest.ToString());
    }

    [Fact]
    public async Task Tag_DestinationDigest_IsUsageError()
    {
        var result = await RunAsync("tag", "test/a:v1", "test/b@sha256:" + new string('a', 64));

        Assert.Equal(2, result.Code);
    }

    [Fact]
    public async Task GetUsers_CommandLineAndHtpasswd_ListsBoth()
    {
        await RunAsync("create-user", "alice");
        await RunAsync("policy", "add-cluster-role-to-user", "system:registry", "hank");

        var result = await RunAsync("get", "users");

        Assert.Equal(
            "NAME      SOURCE     PASSWORD   CLUSTER ROLES\n" +
            "alice     admin      no\n" +
            "hank      htpasswd   yes        system:registry\n",
            result.Output);
    }

    [Fact]
    public async Task DeleteUser_WithTokens_RemovesThem()
    {
        await RunAsync("create-user", "alice");
        var token = (await RunAsync("token", "alice")).Output.Trim();

        var result = await RunAsync("delete-user", "alice");

        Assert.Equal(0, result.Code);
        using var store = await OpenStoreAsync();
        Assert.Null(await new AccessTokenService(store, _clock).ValidateAsync(token, CancellationToken.None));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("get", "widgets")]
    [InlineData("create-project")]
    [InlineData("create-project", "a", "--bogus")]
    [InlineData("token", "alice", "--expires")]
    public async Task Run_BadCommandLine_IsUsageError(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoArguments_PrintsUsageAndFails()
    {
        var result = await RunAsync([]);

        Assert.Equal(2, result.Code);
        Assert.Contains("policy add-role-to-user", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ConfigurationError_NamesTheKey()
    {
        File.WriteAllText(ConfigPath, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /tmp\nauth:\n  openshift:\n    challenge: digest\n");

        var result = await RunAsync("get", "projects");

        Assert.Equal(2, result.Code);
        Assert.Contains("auth.openshift.challenge", result.Error, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync(args, string.Empty);

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string input)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await AdminCommand.RunAsync(
            [.. args, "--config", ConfigPath],
            new Dictionary<string, string>(),
            new StringReader(input),
            output,
            error,
            _clock,
            CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<SqliteMetadataStore> OpenStoreAsync()
    {
        var store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static async Task<string> PutImageAsync(SqliteMetadataStore store, string repository, string tag)
    {
        var config = EdgeRegistry.Distribution.Digests.Digest.Parse(RegistryCalls.DigestOf(RegistryCalls.RandomBytes(16)));
        await store.LinkBlobAsync(repository, config, 16, CancellationToken.None);
        var payload = RegistryCalls.ImageManifest(config.ToString(), 16, []);
        var digest = EdgeRegistry.Distribution.Digests.Digest.Parse(RegistryCalls.DigestOf(payload));
        await store.PutManifestAsync(
            repository,
            new EdgeRegistry.Origin.Metadata.ManifestRecord(digest, EdgeRegistry.Distribution.Manifests.MediaTypes.OciManifest, payload, null, null, null, [config], [], default),
            tag,
            dockerImageReference: null,
            CancellationToken.None);
        return digest.ToString();
    }
}
