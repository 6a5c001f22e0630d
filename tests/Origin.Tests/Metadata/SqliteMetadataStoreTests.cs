using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>The conformance suite on SQLite (a file in a temp directory of the test's own), and what is SQLite's alone.</summary>
public sealed class SqliteMetadataStoreTests : MetadataStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-metadata-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "nested", "metadata.db");

    protected override int LatestSchemaVersion => SqliteMigrations.LatestVersion;

    [Fact]
    public async Task InitializeAsync_MissingDirectory_CreatesFileInWalMode()
    {
        await OpenAsync();

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", QueryScalar("PRAGMA journal_mode") as string);
        Assert.Equal((long)SqliteMigrations.LatestVersion, QueryScalar("SELECT MAX(version) FROM schema_version"));
    }

    protected override Task<IMetadataStore> CreateStoreAsync(TimeProvider clock) =>
        Task.FromResult<IMetadataStore>(new SqliteMetadataStore(DatabasePath, clock));

    protected override Task<long> QueryLongAsync(string sql) => Task.FromResult(Convert.ToInt64(QueryScalar(sql), System.Globalization.CultureInfo.InvariantCulture));

    protected override Task ExecuteAsync(string sql)
    {
        using var connection = new SqliteConnection(RawConnectionString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override Task DisposeDatabaseAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private object? QueryScalar(string sql)
    {
        using var connection = new SqliteConnection(RawConnectionString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private string RawConnectionString() =>
        new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
}
