using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>Registers the metadata store the <c>metadata</c> section names (as <see cref="IMetadataStore"/> and <see cref="IAccessStore"/>), initialised before the server starts.</summary>
internal static class MetadataServiceCollectionExtensions
{
    public static IServiceCollection AddMetadata(this IServiceCollection services, MetadataOptions options)
    {
        if (options.Driver != MetadataDriverKind.Sqlite)
        {
            throw new ConfigurationException(["metadata.driver: only sqlite is available in this build"]);
        }

        services.TryAddSingleton(sp => new SqliteMetadataStore(Path.GetFullPath(options.SqlitePath), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMetadataStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
        // The access model lives in the same database: one provider, one initialization.
        services.TryAddSingleton<IAccessStore>(sp => sp.GetRequiredService<SqliteMetadataStore>());
        services.AddHostedService<MetadataInitializer>();
        return services;
    }
}
