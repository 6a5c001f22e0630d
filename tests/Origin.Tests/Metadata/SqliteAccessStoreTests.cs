using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>The access model conformance suite on SQLite.</summary>
public sealed class SqliteAccessStoreTests : AccessStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-access-store-" + Guid.NewGuid().ToString("N"));

    protected override Task<IMetadataStore> CreateStoreAsync(TimeProvider clock) =>
        Task.FromResult<IMetadataStore>(new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), clock));

    protected override Task DisposeDatabaseAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
