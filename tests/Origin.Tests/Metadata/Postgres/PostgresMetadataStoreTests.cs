using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Postgres;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>The conformance suite on PostgreSQL (a database of the test's own on the shared server), and what is PostgreSQL's alone.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMetadataStoreTests(PostgresFixture fixture) : MetadataStoreConformanceTests
{
    private readonly PostgresTestDatabase _database = new(fixture.Server);

    protected override int LatestSchemaVersion => PostgresMigrations.LatestVersion;

    protected override async Task<IMetadataStore> CreateStoreAsync(TimeProvider clock) => await _database.CreateStoreAsync(clock);

    protected override Task<long> QueryLongAsync(string sql) => _database.QueryLongAsync(sql);

    protected override Task ExecuteAsync(string sql) => _database.ExecuteAsync(sql);

    protected override async Task DisposeDatabaseAsync() => await _database.DisposeAsync();
}
