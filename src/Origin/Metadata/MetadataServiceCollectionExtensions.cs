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
        // The access model lives in the same database: one provider, one initialization.
        services.TryAddSingleton(sp => (IAccessStore)sp.GetRequiredService<IMetadataStore>());
        services.AddHostedService<MetadataInitializer>();
        return services;
    }
}
