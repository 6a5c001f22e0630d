using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>The schema version 3 conformance suite on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMetadataStoreRemoteTests(PostgresFixture fixture) : MetadataStoreRemoteConformanceTests
{
    private readonly PostgresTestDatabase _database = new(fixture.Server);

    protected override async Task<IMetadataStore> CreateStoreAsync(TimeProvider clock) => await _database.CreateStoreAsync(clock);

    protected override async Task DisposeDatabaseAsync() => await _database.DisposeAsync();
}
