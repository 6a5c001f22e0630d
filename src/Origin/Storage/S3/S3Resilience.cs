using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>The one resilience pipeline every S3 call of a driver goes through, and what counts as transient.</summary>
internal static partial class S3Resilience
{
    /// <summary>The object key a call works on, for the retry log line.</summary>
    public static readonly ResiliencePropertyKey<string> ObjectKey = new("edgeregistry.s3.key");

    private static readonly HashSet<string> TransientErrorCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
        "RequestLimitExceeded", "RequestThrottled", "TooManyRequestsException", "BandwidthLimitExceeded",
    };

    /// <summary>Retries (outer) around a per-attempt timeout (inner), logging each retry with its operation and key.</summary>
    public static ResiliencePipeline Build(S3ResilienceOptions options, TimeProvider timeProvider, ILogger logger)
    {
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } exception && IsTransient(exception, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = args =>
                {
                    Log.Retrying(
                        logger,
                        args.Context.OperationKey ?? "call",
                        args.Context.Properties.GetValue(ObjectKey, string.Empty),
                        args.AttemptNumber + 1,
                        args.RetryDelay.TotalMilliseconds,
                        Describe(args.Outcome.Exception));
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>
    /// True for failures another attempt may cure: 5xx, 429 and 408 answers and S3's throttling codes,
    /// connection and stream errors, and attempt timeouts; never the caller's own cancellation.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return false;
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case AmazonServiceException service when service.StatusCode is >= HttpStatusCode.InternalServerError
                    or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    return true;
                case AmazonServiceException service when service.ErrorCode is { } code && TransientErrorCodes.Contains(code):
                    return true;
                case AmazonServiceException service when service.StatusCode != 0:
                    // Any other answer of the service (403, 404, 400...) will be the same next time.
                    return false;
                case HttpRequestException or IOException or SocketException or TimeoutRejectedException:
                    return true;
                case OperationCanceledException:
                    // Not the caller's token: the HTTP client's own timeout.
                    return true;
            }
        }

        return false;
    }

    /// <summary>A short description of a failure for a log line: the S3 error code and status, or the exception's message.</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        null => "no exception",
        AmazonServiceException { ErrorCode: { Length: > 0 } code } service => $"{code} ({(int)service.StatusCode})",
        AmazonServiceException service when service.StatusCode != 0 => $"HTTP {(int)service.StatusCode}",
        _ when exception.InnerException is { } inner && exception is AmazonServiceException => Describe(inner),
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "S3 {Operation} of {Key} failed ({Failure}); attempt {Attempt} in {DelayMs:F0} ms")]
        public static partial void Retrying(ILogger logger, string operation, string key, int attempt, double delayMs, string failure);
    }
}
