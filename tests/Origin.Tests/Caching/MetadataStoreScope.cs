using EdgeRegistry.Origin.Metadata.Sqlite;

namespace EdgeRegistry.Origin.Tests.Caching;

/// <summary>A real SQLite metadata store in a temp directory, removed at the end of the test.</summary>
internal sealed class MetadataStoreScope : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgeregistry-caching-").FullName;

    private MetadataStoreScope()
    {
        Store = new SqliteMetadataStore(Path.Combine(directory, "metadata.db"), TimeProvider.System);
    }

    public SqliteMetadataStore Store { get; }

    public static async Task<MetadataStoreScope> CreateAsync()
    {
        var scope = new MetadataStoreScope();
        await scope.Store.InitializeAsync(CancellationToken.None);
        return scope;
    }

    public ValueTask DisposeAsync()
    {
        Store.Dispose();
        Directory.Delete(directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
