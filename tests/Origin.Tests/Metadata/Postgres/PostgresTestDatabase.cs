using System.Globalization;
using EdgeRegistry.Origin.Metadata.Postgres;
using EdgeRegistry.Origin.Tests.Harness;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>A database of one test's own on the shared server: created on first use, dropped on dispose.</summary>
internal sealed class PostgresTestDatabase(PostgresServer server) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _name;

    /// <summary>The database's name, creating it on first use.</summary>
    public async Task<string> NameAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _name ??= await server.CreateDatabaseAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new store on the database, not initialized.</summary>
    public async Task<PostgresMetadataStore> CreateStoreAsync(TimeProvider clock) =>
        new(server.ConnectionString(await NameAsync()), clock);

    public async Task<long> QueryLongAsync(string sql) =>
        Convert.ToInt64(await server.QueryScalarAsync(await NameAsync(), sql, CancellationToken.None), CultureInfo.InvariantCulture);

    public async Task ExecuteAsync(string sql) => await server.ExecuteAsync(await NameAsync(), sql, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_name is not null)
        {
            await server.DropDatabaseAsync(_name, CancellationToken.None);
        }

        _gate.Dispose();
    }
}
