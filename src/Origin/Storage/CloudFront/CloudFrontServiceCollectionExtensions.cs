using System.Security.Cryptography;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Storage.S3;
using EdgeRegistry.Signing.CloudFront;
using EdgeRegistry.Signing.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>Registers the <c>cloudfront</c> storage middleware when <c>middleware.storage</c> enables it.</summary>
internal static class CloudFrontServiceCollectionExtensions
{
    /// <summary>How long one download of <c>iprangesurl</c> may take (AWS's document is about 2 MB).</summary>
    private static readonly TimeSpan IpRangesTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Decorates the S3 driver registered by <c>AddStorage</c> (so call this after it) with
    /// <see cref="CloudFrontStorageDriver"/>, and with <c>ipfilteredby</c> aws or awsregion keeps the AWS
    /// ranges current. Does nothing when the middleware is absent or disabled.
    /// </summary>
    /// <exception cref="ConfigurationException">
    /// The storage driver is not s3, or the private key cannot be loaded (missing, unreadable, encrypted,
    /// not RSA) or the key pair ID is malformed; each line names the option.
    /// </exception>
    public static IServiceCollection AddCloudFrontRedirects(this IServiceCollection services, OriginOptions options)
    {
        if (options.Middleware.CloudFront is not { } cloudFront)
        {
            return services;
        }

        var entry = $"middleware.storage[{IndexOfCloudFront(options.Middleware)}]";
        if (options.Storage.Driver != StorageDriverKind.S3)
        {
            // The configuration binder reports this too; the check stays for options built in code.
            throw new ConfigurationException(
                [$"{entry}: cloudfront requires the s3 storage driver (storage uses {options.Storage.Driver.ToString().ToLowerInvariant()})"]);
        }

        var privateKey = LoadSigningKey(cloudFront, $"{entry}.options");
        services.TryAddSingleton(sp => new CloudFrontUrlSigner(cloudFront.KeyPairId, privateKey, sp.GetRequiredService<TimeProvider>()));

        var filtered = cloudFront.IpFilteredBy is "aws" or "awsregion";
        if (filtered)
        {
            services.AddHttpContextAccessor();
            services.TryAddSingleton(_ => new AwsIpRanges(
                new HttpClient { Timeout = IpRangesTimeout },
                cloudFront.IpRangesUrl,
                cloudFront.IpFilteredBy == "awsregion" ? cloudFront.AwsRegion : []));
            services.TryAddSingleton(sp => new AwsIpRangesUpdater(
                sp.GetRequiredService<AwsIpRanges>(),
                cloudFront.UpdateFrequency,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<AwsIpRangesUpdater>>()));
            services.AddHostedService(sp => sp.GetRequiredService<AwsIpRangesUpdater>());
        }

        services.Replace(ServiceDescriptor.Singleton<IStorageDriver>(sp =>
        {
            var accessor = filtered ? sp.GetRequiredService<IHttpContextAccessor>() : null;
            return new CloudFrontStorageDriver(
                sp.GetRequiredService<S3StorageDriver>(),
                sp.GetRequiredService<CloudFrontUrlSigner>(),
                cloudFront.BaseUrl,
                cloudFront.Duration,
                filtered ? sp.GetRequiredService<AwsIpRanges>() : null,
                () => accessor?.HttpContext?.Connection.RemoteIpAddress);
        }));
        services.AddHostedService(sp => new CloudFrontStartupNotice(
            cloudFront, options.Storage.RedirectDisabled, sp.GetRequiredService<ILogger<CloudFrontStartupNotice>>()));
        return services;
    }

    // The key lives as long as the process: the signer borrows it for every redirect.
    private static RSA LoadSigningKey(CloudFrontMiddlewareOptions cloudFront, string optionsPath)
    {
        var errors = new List<string>();
        RSA? key = null;
        try
        {
            key = PemKeyLoader.LoadRsaPrivateKey(cloudFront.PrivateKey);
        }
        catch (PemKeyException exception)
        {
            errors.Add($"{optionsPath}.privatekey: {exception.Message}");
        }

        // The signer's own rule, checked here so that both errors are reported at once.
        if (cloudFront.KeyPairId.Length == 0 || !cloudFront.KeyPairId.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add($"{optionsPath}.keypairid: {ConfigurationErrors.Quote(cloudFront.KeyPairId)} is not a CloudFront key pair ID (ASCII letters and digits, such as K2JCJMDEHXQW5F)");
        }

        if (errors.Count > 0)
        {
            key?.Dispose();
            throw new ConfigurationException(errors);
        }

        return key!;
    }

    private static int IndexOfCloudFront(MiddlewareOptions middleware)
    {
        for (var i = 0; i < middleware.Storage.Count; i++)
        {
            if (middleware.Storage[i].Name == "cloudfront")
            {
                return i;
            }
        }

        return 0;
    }
}
