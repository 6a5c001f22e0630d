using System.Net;

namespace EdgeRegistry.Edge.Configuration;

/// <summary>The rules an <see cref="EdgeOptions"/> must satisfy; every broken rule is reported, each naming its key.</summary>
public static class EdgeOptionsValidator
{
    /// <summary>All problems of <paramref name="options"/>, one line each; empty when it can be used.</summary>
    public static IReadOnlyList<string> Validate(EdgeOptions options)
    {
        var errors = new List<string>();
        ValidateListen(options.Listen, errors);
        ValidateOrigin(options.Origin, errors);
        ValidateCache(options.Cache, errors);
        ValidateDurations(options, errors);
        ValidateTls(options.Tls, errors);
        ValidateLog(options.Log, errors);
        ValidateCloudFront(options.CloudFront, errors);
        errors.AddRange(options.Upstream.Validate());
        errors.AddRange(options.Mirror.Validate(options.Upstream));
        errors.AddRange(options.PullThrough.Validate());

        return errors;
    }

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>, <c>*:port</c> or <c>:port</c>; null when malformed.</summary>
    public static IPEndPoint? ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            return null;
        }

        var host = listen[..colon].Trim('[', ']');
        if (host is "" or "*" or "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (host is "::")
        {
            return new IPEndPoint(IPAddress.IPv6Any, port);
        }

        if (host is "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : null;
    }

    private static void ValidateListen(string listen, List<string> errors)
    {
        if (ParseListen(listen) is null)
        {
            errors.Add($"listen: '{listen}' is not an address of the form host:port (an IP address, * or [::])");
        }
    }

    private static void ValidateOrigin(OriginOptions origin, List<string> errors)
    {
        if (origin.Url is null)
        {
            errors.Add("origin.url: required (the base URL of the origin registry, e.g. http://origin:5000)");
        }
        else if (origin.Url.Scheme is not ("http" or "https") || origin.Url.AbsolutePath != "/" || origin.Url.Query.Length > 0)
        {
            errors.Add($"origin.url: '{origin.Url}' must be an http or https URL without a path");
        }

        if (origin.Timeout <= TimeSpan.Zero)
        {
            errors.Add("origin.timeout: must be positive");
        }

        if (origin.Retries is < 0 or > 10)
        {
            errors.Add("origin.retries: must be between 0 and 10");
        }

        if (origin.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add("origin.breakDuration: must be at least 500ms");
        }
    }

    private static void ValidateCache(CacheOptions cache, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(cache.Directory))
        {
            errors.Add("cache.directory: required");
        }

        if (cache.MaxSize <= 0)
        {
            errors.Add("cache.maxSize: must be positive");
        }

        if (cache.HighWatermark is <= 0 or > 1)
        {
            errors.Add($"cache.highWatermark: {cache.HighWatermark} must be above 0 and at most 1");
        }

        if (cache.LowWatermark is <= 0 or > 1 || cache.LowWatermark >= cache.HighWatermark)
        {
            errors.Add($"cache.lowWatermark: {cache.LowWatermark} must be above 0 and below cache.highWatermark ({cache.HighWatermark})");
        }

        if (cache.FillTimeout <= TimeSpan.Zero)
        {
            errors.Add("cache.fillTimeout: must be positive");
        }
    }

    private static void ValidateDurations(EdgeOptions options, List<string> errors)
    {
        if (options.Authorization.Ttl <= TimeSpan.Zero)
        {
            errors.Add("authorization.ttl: must be positive");
        }

        if (options.Manifests.StaleIfError < TimeSpan.Zero)
        {
            errors.Add("manifests.staleIfError: must not be negative (0 turns stale answers off)");
        }

        if (options.Manifests.MaxSize <= 0)
        {
            errors.Add("manifests.maxSize: must be positive");
        }
    }

    private static void ValidateTls(TlsOptions tls, List<string> errors)
    {
        if (!tls.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(tls.Certificate))
        {
            errors.Add("tls.certificate: required when tls.key is set");
        }
        else if (!File.Exists(tls.Certificate))
        {
            errors.Add($"tls.certificate: file '{tls.Certificate}' does not exist");
        }

        if (string.IsNullOrEmpty(tls.Key))
        {
            errors.Add("tls.key: required when tls.certificate is set");
        }
        else if (!File.Exists(tls.Key))
        {
            errors.Add($"tls.key: file '{tls.Key}' does not exist");
        }
    }

    // The key file is read when the edge starts (CloudFrontServiceCollectionExtensions), which says why it is unusable.
    private static void ValidateCloudFront(CloudFrontOptions cloudFront, List<string> errors)
    {
        if (!cloudFront.Enabled)
        {
            if (!string.IsNullOrEmpty(cloudFront.PrivateKey) || !string.IsNullOrEmpty(cloudFront.KeyPairId))
            {
                errors.Add("cloudFront.baseUrl: required when cloudFront.privateKey or cloudFront.keyPairId is set (the distribution's URL, e.g. https://d111111abcdef8.cloudfront.net/)");
            }

            return;
        }

        if (cloudFront.BaseUrl!.Scheme is not ("http" or "https") || cloudFront.BaseUrl.Query.Length > 0 || cloudFront.BaseUrl.Fragment.Length > 0)
        {
            errors.Add($"cloudFront.baseUrl: '{cloudFront.BaseUrl}' must be an http or https URL without a query");
        }

        if (string.IsNullOrEmpty(cloudFront.PrivateKey))
        {
            errors.Add("cloudFront.privateKey: required with cloudFront.baseUrl (path of the PEM RSA private key)");
        }

        if (string.IsNullOrEmpty(cloudFront.KeyPairId))
        {
            errors.Add("cloudFront.keyPairId: required with cloudFront.baseUrl (CloudFront's ID of the public key)");
        }
        else if (!cloudFront.KeyPairId.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add($"cloudFront.keyPairId: '{cloudFront.KeyPairId}' is not a CloudFront key pair ID (ASCII letters and digits, such as K2JCJMDEHXQW5F)");
        }

        if (cloudFront.Duration < TimeSpan.FromSeconds(1))
        {
            errors.Add("cloudFront.duration: must be at least 1s");
        }

        if (cloudFront.ThresholdBytes < 0)
        {
            errors.Add("cloudFront.thresholdBytes: must not be negative (0 redirects every blob that is not cached)");
        }

        if (cloudFront.RootDirectory.Split('/').Any(part => part is "." or ".."))
        {
            errors.Add($"cloudFront.rootDirectory: '{cloudFront.RootDirectory}' must not contain . or .. components");
        }
    }

    private static void ValidateLog(LogOptions log, List<string> errors)
    {
        if (!Enum.TryParse<LogLevel>(log.Level, ignoreCase: true, out _))
        {
            errors.Add($"log.level: '{log.Level}' is not one of trace, debug, information, warning, error, critical, none");
        }
    }
}
