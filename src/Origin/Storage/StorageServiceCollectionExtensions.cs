using Amazon.S3;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Storage.Filesystem;
using EdgeRegistry.Origin.Storage.InMemory;
using EdgeRegistry.Origin.Storage.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRegistry.Origin.Storage;

/// <summary>Registers the storage driver the <c>storage</c> section names.</summary>
internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, StorageOptions options)
    {
        switch (options.Driver)
        {
            case StorageDriverKind.Filesystem:
                services.TryAddSingleton<IStorageDriver>(new FilesystemStorageDriver(Path.GetFullPath(options.Filesystem!.RootDirectory)));
                break;
            case StorageDriverKind.InMemory:
                services.TryAddSingleton<IStorageDriver>(new InMemoryStorageDriver());
                break;
            case StorageDriverKind.S3:
                services.AddS3Storage(options.S3!);
                break;
            default:
                throw new ConfigurationException([$"storage.{options.Driver.ToString().ToLowerInvariant()}: this driver is not available in this build"]);
        }

        return services;
    }

    private static void AddS3Storage(this IServiceCollection services, S3StorageOptions options)
    {
        if (options.ChunkSize > S3StorageDriver.MaximumChunkSize)
        {
            // A writer holds one chunk in memory.
            throw new ConfigurationException([$"storage.s3.chunksize: {options.ChunkSize} is above the largest chunk, {S3StorageDriver.MaximumChunkSize} bytes (1 GiB)"]);
        }

        services.TryAddSingleton(new S3ResilienceOptions());
        services.TryAddSingleton<IAmazonS3>(sp => S3ClientFactory.Create(options, sp.GetRequiredService<S3ResilienceOptions>()));
        services.TryAddSingleton(sp => new S3StorageDriver(
            sp.GetRequiredService<IAmazonS3>(),
            options,
            sp.GetRequiredService<S3ResilienceOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<S3StorageDriver>>()));
        services.TryAddSingleton<IStorageDriver>(sp => sp.GetRequiredService<S3StorageDriver>());
        services.AddHealthChecks().AddCheck<S3HealthCheck>("s3", tags: [ObservabilityExtensions.ReadyTag]);
        // The s3 check stands in for the generic storage check, whose stat would wait out every retry of
        // an unreachable S3 before a readiness probe got its answer.
        services.PostConfigure<HealthCheckServiceOptions>(health =>
        {
            foreach (var generic in health.Registrations.Where(registration => registration.Name == "storage").ToList())
            {
                health.Registrations.Remove(generic);
            }
        });
    }
}
