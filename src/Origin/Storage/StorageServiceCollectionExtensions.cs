using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Storage.Filesystem;
using EdgeRegistry.Origin.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Storage;

/// <summary>Registers the storage driver the <c>storage</c> section names.</summary>
internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, StorageOptions options)
    {
        IStorageDriver driver = options.Driver switch
        {
            StorageDriverKind.Filesystem => new FilesystemStorageDriver(Path.GetFullPath(options.Filesystem!.RootDirectory)),
            StorageDriverKind.InMemory => new InMemoryStorageDriver(),
            _ => throw new ConfigurationException([$"storage.{options.Driver.ToString().ToLowerInvariant()}: this driver is not available in this build"]),
        };
        services.TryAddSingleton(driver);
        return services;
    }
}
