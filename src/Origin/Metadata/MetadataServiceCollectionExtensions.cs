using EdgeRegistry.Origin.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>Registers the metadata store the <c>metadata</c> section names (as <see cref="IMetadataStore"/> and <see cref="IAccessStore"/>), initialised before the server starts.</summary>
internal static class MetadataServiceCollectionExtensions
{
    public static IServiceCollection AddMetadata(this IServiceCollection services, MetadataOptions options)
    {
        // A connection string that cannot work stops start-up here, naming the key, not at the first request.
        MetadataStores.Validate(options);

        services.TryAddSingleton(sp => MetadataStores.Open(options, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMetadataStore>(sp => sp.GetRequiredService<IMetadataDatabase>());
        // The access model lives in the same database: one provider, one initialization.
        services.TryAddSingleton<IAccessStore>(sp => sp.GetRequiredService<IMetadataDatabase>());
        services.AddHostedService<MetadataInitializer>();
        return services;
    }
}
