using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>The schema version 3 conformance suite on SQLite.</summary>
public sealed class SqliteMetadataStoreRemoteTests : MetadataStoreRemoteConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-metadata-remote-" + Guid.NewGuid().ToString("N"));

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
