using EdgeRegistry.Edge.Authorization;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Signing.CloudFront;
using EdgeRegistry.Signing.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.CloudFront;

/// <summary>Registers <see cref="CloudFrontRedirector"/> when <c>cloudFront.baseUrl</c> is set.</summary>
internal static class CloudFrontServiceCollectionExtensions
{
    /// <summary>
    /// Call after <c>AddEdgeConfiguration</c>. Loads the private key now, so that a bad key stops start-up
    /// rather than the first large pull.
    /// </summary>
    /// <exception cref="EdgeConfigurationException">The key cannot be loaded; the line names <c>cloudFront.privateKey</c> and says why.</exception>
    public static IServiceCollection AddCloudFrontRedirects(this IServiceCollection services)
    {
        // AddEdgeConfiguration registered the validated options as an instance; they are needed before the container is built.
        var options = services.LastOrDefault(d => d.ServiceType == typeof(EdgeOptions))?.ImplementationInstance as EdgeOptions
            ?? throw new InvalidOperationException("AddEdgeConfiguration must run before AddCloudFrontRedirects.");
        var cloudFront = options.CloudFront;
        if (!cloudFront.Enabled)
        {
            return services;
        }

        System.Security.Cryptography.RSA key;
        try
        {
            // The key lives as long as the process: the signer borrows it for every redirect.
            key = PemKeyLoader.LoadRsaPrivateKey(cloudFront.PrivateKey!);
        }
        catch (PemKeyException exception)
        {
            throw new EdgeConfigurationException([$"cloudFront.privateKey: {exception.Message}"]);
        }

        services.TryAddSingleton(sp => new CloudFrontRedirector(
            cloudFront,
            new CloudFrontUrlSigner(cloudFront.KeyPairId!, key, sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<BlobCache>(),
            sp.GetRequiredService<OriginAuthorizer>(),
            sp.GetRequiredService<EdgeMetrics>(),
            sp.GetRequiredService<ILogger<CloudFrontRedirector>>()));
        return services;
    }
}
