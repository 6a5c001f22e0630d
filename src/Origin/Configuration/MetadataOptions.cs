namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Our own <c>metadata</c> section (distribution has none): <c>driver</c> sqlite (default) or postgres;
/// <c>sqlite.path</c> (default <c>&lt;storage.filesystem.rootdirectory&gt;/metadata.db</c>, or
/// <c>./data/metadata.db</c> with another storage driver); <c>postgres.connectionstring</c> (required with postgres).
/// </summary>
internal sealed record MetadataOptions
{
    public MetadataDriverKind Driver { get; init; } = MetadataDriverKind.Sqlite;

    /// <summary>The SQLite database file; set whatever the driver.</summary>
    public string SqlitePath { get; init; } = "./data/metadata.db";

    /// <summary>Set when <see cref="Driver"/> is postgres.</summary>
    public string? PostgresConnectionString { get; init; }

    internal static MetadataOptions Bind(ConfigMapping section, StorageOptions storage)
    {
        var driver = section.OneOf("driver", "sqlite", "sqlite", "postgres");
        var sqlite = section.MappingOrEmpty("sqlite");
        var defaultPath = storage.Filesystem is { } filesystem
            ? Path.Combine(filesystem.RootDirectory, "metadata.db")
            : Path.Combine(FilesystemStorageOptions.DefaultRootDirectory, "metadata.db");
        var sqlitePath = sqlite.String("path", defaultPath);
        if (sqlitePath.Length == 0)
        {
            sqlite.Error("path", "must not be empty");
        }

        sqlite.ReportUnknownKeys();

        var postgres = section.MappingOrEmpty("postgres");
        var connectionString = postgres.String("connectionstring");
        if (driver == "postgres" && string.IsNullOrEmpty(connectionString))
        {
            postgres.Error("connectionstring", "required when metadata.driver is postgres");
        }

        postgres.ReportUnknownKeys();
        section.ReportUnknownKeys();
        return new MetadataOptions
        {
            Driver = driver == "postgres" ? MetadataDriverKind.Postgres : MetadataDriverKind.Sqlite,
            SqlitePath = sqlitePath,
            PostgresConnectionString = string.IsNullOrEmpty(connectionString) ? null : connectionString,
        };
    }
}
