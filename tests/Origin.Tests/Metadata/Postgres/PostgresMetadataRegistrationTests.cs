using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary><c>metadata.driver: postgres</c> registers the PostgreSQL store, initialised by the hosted initializer.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMetadataRegistrationTests(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new(fixture.Server);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AddMetadata_PostgresDriver_OneInitializedStoreForMetadataAndAccess()
    {
        var options = new MetadataOptions
        {
            Driver = MetadataDriverKind.Postgres,
            PostgresConnectionString = fixture.Server.ConnectionString(await _database.NameAsync()),
        };
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddMetadata(options);

        await using (var provider = services.BuildServiceProvider())
        {
            var metadata = provider.GetRequiredService<IMetadataStore>();
            Assert.IsType<PostgresMetadataStore>(metadata);
            Assert.Same(metadata, provider.GetRequiredService<IAccessStore>());
            Assert.False(await metadata.PingAsync(CancellationToken.None));

            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
            }

            Assert.True(await metadata.PingAsync(CancellationToken.None));
            Assert.True(await provider.GetRequiredService<IAccessStore>().CreateProjectAsync("team", true, CancellationToken.None));
        }

        Assert.Equal(1L, await _database.QueryLongAsync("SELECT COUNT(*) FROM projects"));
        Assert.Equal((long)PostgresMigrations.LatestVersion, await _database.QueryLongAsync("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public void AddMetadata_PostgresConnectionStringDoesNotParse_ConfigurationErrorNamesTheKey()
    {
        var options = new MetadataOptions { Driver = MetadataDriverKind.Postgres, PostgresConnectionString = "Host=db;Colour=blue;Password=secret" };

        var error = Assert.Throws<ConfigurationException>(() => new ServiceCollection().AddMetadata(options));

        var line = Assert.Single(error.Errors);
        Assert.StartsWith("metadata.postgres.connectionstring: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
    }
}
