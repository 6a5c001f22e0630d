using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata.Postgres;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Npgsql;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// Opens the store the <c>metadata</c> section names, for the server (<see cref="MetadataServiceCollectionExtensions"/>)
/// and for the admin command line alike.
/// </summary>
internal static class MetadataStores
{
    /// <summary>
    /// A new, not yet initialised store (<see cref="IMetadataStore.InitializeAsync"/>). Throws
    /// <see cref="ConfigurationException"/> naming the key when the settings cannot work.
    /// </summary>
    public static IMetadataDatabase Open(MetadataOptions options, TimeProvider timeProvider) =>
        options.Driver == MetadataDriverKind.Postgres
            ? new PostgresMetadataStore(PostgresConnectionString(options), timeProvider)
            : new SqliteMetadataStore(Path.GetFullPath(options.SqlitePath), timeProvider);

    /// <summary>Throws <see cref="ConfigurationException"/> naming the key when <see cref="Open"/> would.</summary>
    public static void Validate(MetadataOptions options)
    {
        if (options.Driver == MetadataDriverKind.Postgres)
        {
            _ = PostgresConnectionString(options);
        }
    }

    private static string PostgresConnectionString(MetadataOptions options)
    {
        var connectionString = options.PostgresConnectionString
            ?? throw new ConfigurationException(["metadata.postgres.connectionstring: required when metadata.driver is postgres"]);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            // The parser names the keyword or the position; a password (any text) always parses, so it is not in the message.
            throw new ConfigurationException([$"metadata.postgres.connectionstring: {exception.Message}"]);
        }

        return connectionString;
    }
}
