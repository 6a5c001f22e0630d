using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>
/// Says once at start-up how blob GETs are redirected, and warns when <c>storage.redirect.disable</c> is
/// true: the origin then serves every blob itself and never asks the middleware for a URL (as distribution,
/// whose blob server consults the driver's URL only when redirects are on).
/// </summary>
internal sealed partial class CloudFrontStartupNotice(
    CloudFrontMiddlewareOptions options, bool redirectDisabled, ILogger<CloudFrontStartupNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redirectDisabled)
        {
            Log.RedirectDisabled(logger);
        }
        else
        {
            Log.Enabled(logger, options.BaseUrl.ToString(), options.KeyPairId, options.Duration, options.IpFilteredBy);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1352, Level = LogLevel.Information, Message = "Blob GETs redirect to CloudFront at {BaseUrl} (key pair {KeyPairId}, URLs valid {Duration}, ipfilteredby {IpFilteredBy})")]
        public static partial void Enabled(ILogger logger, string baseUrl, string keyPairId, TimeSpan duration, string ipFilteredBy);

        [LoggerMessage(EventId = 1353, Level = LogLevel.Warning, Message = "The cloudfront storage middleware has no effect: storage.redirect.disable is true, so the origin serves blobs itself")]
        public static partial void RedirectDisabled(ILogger logger);
    }
}
