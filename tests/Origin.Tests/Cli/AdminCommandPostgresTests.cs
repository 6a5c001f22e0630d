using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Cli;
using EdgeRegistry.Origin.Tests.Metadata.Postgres;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Cli;

/// <summary>The admin command line on an origin whose metadata is in PostgreSQL: it works on the servers' database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdminCommandPostgresTests(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeregistry-cli-pg-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly PostgresTestDatabase _database = new(fixture.Server);

    private string ConfigPath => Path.Combine(_directory, "config.yml");

    public async Task InitializeAsync()
    {
        var connectionString = fixture.Server.ConnectionString(await _database.NameAsync());
        await File.WriteAllTextAsync(ConfigPath, $"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: '{_directory}'
            metadata:
              driver: postgres
              postgres:
                connectionstring: '{connectionString}'
            """);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task CreateProjectUserAndToken_PostgresMetadata_LandInTheSharedDatabase()
    {
        var project = await RunAsync("create-project", "team", "--public");
        var user = await RunAsync("create-user", "alice");
        var token = await RunAsync("token", "alice", "--expires", "2h");
        var listed = await RunAsync("get", "projects");

        Assert.Equal((0, "project \"team\" created (public)\n"), (project.Code, project.Output));
        Assert.Equal(0, user.Code);
        Assert.Equal(0, token.Code);
        Assert.Contains("team", listed.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "metadata.db")));

        // What an origin replica on the same database sees.
        await using var store = await _database.CreateStoreAsync(_clock);
        await store.InitializeAsync(CancellationToken.None);
        Assert.True((await store.GetProjectAsync("team", CancellationToken.None))!.Public);
        var record = await new AccessTokenService(store, _clock).ValidateAsync(token.Output.TrimEnd('\n'), CancellationToken.None);
        Assert.Equal("alice", record!.User);
    }

    [Fact]
    public async Task AnyVerb_UnparsableConnectionString_NamesTheKey()
    {
        await File.WriteAllTextAsync(ConfigPath, """
            version: 0.1
            storage:
              inmemory: {}
            metadata:
              driver: postgres
              postgres:
                connectionstring: 'Host=127.0.0.1;NoSuchKeyword=1'
            """);

        var result = await RunAsync("get", "projects");

        Assert.Equal(2, result.Code);
        Assert.StartsWith("configuration error: metadata.postgres.connectionstring:", result.Error, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await AdminCommand.RunAsync(
            [.. args, "--config", ConfigPath],
            new Dictionary<string, string>(),
            new StringReader(string.Empty),
            output,
            error,
            _clock,
            CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
