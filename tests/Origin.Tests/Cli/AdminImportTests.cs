using EdgeRegistry.Origin.Cli;
using EdgeRegistry.Origin.Metadata.Sqlite;
using EdgeRegistry.Origin.Tests.PullThrough;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Cli;

/// <summary><c>admin import-image</c> and <c>admin tag</c> from a registry, against a fake remote behind <c>docker.io</c>.</summary>
public sealed class AdminImportTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeregistry-cli-import-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
    private FakeRemoteRegistry _remote = null!;

    private string ConfigPath => Path.Combine(_directory, "config.yml");

    public async Task InitializeAsync()
    {
        _remote = await FakeRemoteRegistry.StartAsync();
        WriteConfig(allowed: null);
    }

    public async Task DisposeAsync()
    {
        await _remote.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ImportImage_TagFromTheSource_StreamTagPointsAtTheRemoteImage()
    {
        var image = _remote.AddImage("library/busybox", "1.36", 1_000);

        var result = await RunAsync("import-image", "team/busybox", "--from", "docker.io/library/busybox:1.36");

        Assert.Equal(0, result.Code);
        Assert.Equal($"Tag team/busybox:1.36 set to docker.io/library/busybox@{image.Digest} (imported 1 manifest(s); 2 blob(s) are pulled through on first use).\n", result.Output);
        using var store = await OpenStoreAsync();
        var entry = Assert.Single(await store.GetTagHistoryAsync("team/busybox", "1.36", CancellationToken.None));
        Assert.Equal($"docker.io/library/busybox@{image.Digest}", entry.DockerImageReference);
    }

    [Fact]
    public async Task ImportImage_NameWithTagAndProject_UsesThem()
    {
        _remote.AddImage("library/busybox", "latest", 1_000);

        var result = await RunAsync("import-image", "busybox:stable", "-n", "team", "--from", "busybox");

        Assert.Equal(0, result.Code);
        using var store = await OpenStoreAsync();
        Assert.Equal(["stable"], await store.ListTagsAsync("team/busybox", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ImportImage_All_ImportsEveryTag()
    {
        _remote.AddImage("library/busybox", "1.35", 1_000);
        _remote.AddImage("library/busybox", "1.36", 1_000);

        var result = await RunAsync("import-image", "team/busybox", "--from", "docker.io/library/busybox", "--all");

        Assert.Equal(0, result.Code);
        using var store = await OpenStoreAsync();
        Assert.Equal(["1.35", "1.36"], await store.ListTagsAsync("team/busybox", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Tag_SourceOnARegistry_Imports()
    {
        var image = _remote.AddImage("library/busybox", "latest", 1_000);

        var result = await RunAsync("tag", "docker.io/library/busybox:latest", "myproject/busybox:latest");

        Assert.Equal(0, result.Code);
        Assert.Contains($"docker.io/library/busybox@{image.Digest}", result.Output, StringComparison.Ordinal);
        using var store = await OpenStoreAsync();
        Assert.Equal(image.Digest, (await store.GetManifestByTagAsync("myproject/busybox", "latest", CancellationToken.None))!.Digest);
    }

    [Fact]
    public async Task ImportImage_RegistryOffTheAllowlist_FailsNamingIt()
    {
        WriteConfig(allowed: "[quay.io]");
        _remote.AddImage("library/busybox", "latest", 1_000);

        var result = await RunAsync("import-image", "team/busybox", "--from", "docker.io/library/busybox:latest");

        Assert.Equal(1, result.Code);
        Assert.Equal("error: registry docker.io is not allowed: it is not on the upstream allowlist\n", result.Error);
    }

    [Theory]
    [InlineData("import-image", "team/busybox")]
    [InlineData("import-image", "team/busybox", "--from", "Not A Reference")]
    [InlineData("import-image", "team/busybox:v1", "--from", "docker.io/library/busybox", "--all")]
    [InlineData("import-image", "team/busybox", "--from", "docker.io/library/busybox:1", "--all")]
    public async Task ImportImage_WrongUsage_ExitsTwo(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    private void WriteConfig(string? allowed) => File.WriteAllText(ConfigPath, $"""
        version: 0.1
        storage:
          filesystem:
            rootdirectory: '{_directory}'
        upstream:
          aliases:
            docker.io: {_remote.BaseAddress.ToString().TrimEnd('/')}
          insecure: [docker.io]
        {(allowed is null ? string.Empty : "  allowed: " + allowed)}
        """);

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await AdminCommand.RunAsync([.. args, "--config", ConfigPath], new Dictionary<string, string>(), new StringReader(string.Empty), output, error, _clock, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<SqliteMetadataStore> OpenStoreAsync()
    {
        var store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
