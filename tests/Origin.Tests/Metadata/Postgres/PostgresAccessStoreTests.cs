using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>The access model conformance suite on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAccessStoreTests(PostgresFixture fixture) : AccessStoreConformanceTests
{
    private readonly PostgresTestDatabase _database = new(fixture.Server);

    protected override async Task<IMetadataStore> CreateStoreAsync(TimeProvider clock) => await _database.CreateStoreAsync(clock);

    protected override async Task DisposeDatabaseAsync() => await _database.DisposeAsync();
}
