using System.Net;
using System.Runtime.Versioning;
using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.Tests.Access;

public sealed class AccessBootstrapperTests
{
    private const string Bootstrap = "auth:\n  openshift:\n    bootstrap:\n      enabled: true";

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task StartAsync_FirstStart_WritesOwnerOnlyTokenFileOfAClusterAdmin()
    {
        await using var origin = await AccessTestOrigin.StartAsync(Bootstrap);
        var path = Path.Combine(origin.Root, AccessBootstrapper.TokenFileName);
        var token = (await File.ReadAllTextAsync(path)).Trim();

        using var client = origin.Basic("anyone", token);
        using var pushed = await client.PostAsync("/v2/somewhere/app/blobs/uploads/", null);
        using var catalog = await client.GetAsync("/v2/_catalog");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(origin.Root, SigningKeyFile.FileName)));
        Assert.Equal(HttpStatusCode.Accepted, pushed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Contains(origin.Logs.Lines, line => line.Contains(path, StringComparison.Ordinal));
        Assert.DoesNotContain(token, origin.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SecondStart_KeepsTheFirstAdministratorAndToken()
    {
        var root = Directory.CreateTempSubdirectory("edgeregistry-access-").FullName;
        try
        {
            await StartTwiceAsync(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task StartTwiceAsync(string root)
    {
        string first;
        await using (var origin = await AccessTestOrigin.StartAsync(Bootstrap, root))
        {
            first = await File.ReadAllTextAsync(Path.Combine(root, AccessBootstrapper.TokenFileName));
        }

        await using var again = await AccessTestOrigin.StartAsync(Bootstrap, root);
        var second = await File.ReadAllTextAsync(Path.Combine(root, AccessBootstrapper.TokenFileName));
        using var client = again.Basic("admin", first.Trim());
        using var response = await client.GetAsync("/v2/_catalog");

        Assert.Equal(first, second);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await again.Store.ListAccessTokensAsync(AccessBootstrapper.AdminUser, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_BootstrapDisabled_CreatesNoAdministrator()
    {
        await using var origin = await AccessTestOrigin.StartAsync();

        Assert.False(File.Exists(Path.Combine(origin.Root, AccessBootstrapper.TokenFileName)));
        Assert.Empty(await origin.Store.ListClusterRoleBindingsAsync(CancellationToken.None));
    }
}
