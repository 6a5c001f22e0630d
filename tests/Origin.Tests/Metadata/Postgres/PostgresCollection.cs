namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>The test classes that share one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
