using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata.Postgres;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>Registers the metadata store the <c>metadata</c> section names (as <see cref="IMetadataStore"/> and <see cref="IAccessStore"/>), initialised before the server starts.</summary>
internal static class MetadataServiceCollectionExtensions
{
    public static IServiceCollection AddMetadata(this IServiceCollection services, MetadataOptions options)
    {
        switch (options.Driver)
        {
            case MetadataDriverKind.Postgres:
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

                services.TryAddSingleton(sp => new PostgresMetadataStore(connectionString, sp.GetRequiredService<TimeProvider>()));
                services.TryAddSingleton<IMetadataStore>(sp => sp.GetRequiredService<PostgresMetadataStore>());
                // The access model lives in the same database: one provider, one initialization.
                services.TryAddSingleton<IAccessStore>(sp => sp.GetRequiredService<PostgresMetadataStore>());
                break;
            default:
                services.TryAddSingleton(sp => new SqliteMetadataStore(Path.GetFullPath(options.SqlitePath), sp.GetRequiredService<TimeProvider>()));
                services.TryAddSingleton<IMetadataStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
                services.TryAddSingleton<IAccessStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
                break;
        }

        services.AddHostedService<MetadataInitializer>();
        return services;
    }
}
