using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// The resilience pipeline of one upstream, outermost first: a total timeout; retries with exponential
/// backoff and jitter on 5xx, 408, connection failures and attempt timeouts, and on 429 after its
/// <c>Retry-After</c> when that is within bounds; a circuit breaker over the same failures (429 excluded:
/// a rate limit is not an outage); an attempt timeout. It wraps sending a request up to its response
/// headers, so nothing is retried once a body has been handed out, and it is used for GET and HEAD only.
/// </summary>
internal static class RemoteResilience
{
    public static ResiliencePipeline<HttpResponseMessage> Create(RemoteRegistryOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        builder.AddTimeout(options.TotalTimeout);
        if (options.RetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.RetryCount,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options.MaxRetryAfter, timeProvider)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited ? RetryAfter(limited, timeProvider) : null),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>True for an outcome that says the upstream is failing: 5xx (but 501 and 505), 408, no connection, a timed-out attempt.</summary>
    public static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException e } => !IsCertificateFailure(e),
        { Exception: TimeoutRejectedException } => true,
        { Result: { } response } => IsTransientStatus(response.StatusCode),
        _ => false,
    };

    /// <summary>
    /// True when TLS could not be established (an untrusted or mismatched certificate, or a server that does
    /// not speak TLS): retrying cannot help, and the caller decides (refuse, or fall back to plain HTTP for an
    /// insecure registry).
    /// </summary>
    public static bool IsCertificateFailure(HttpRequestException exception) =>
        exception.HttpRequestError == HttpRequestError.SecureConnectionError;

    /// <summary>The delay a 429 asks for, from <c>Retry-After</c> (seconds or a date); null when it gives none.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider timeProvider) =>
        outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } limited
            ? RetryAfter(limited, timeProvider) is not { } wait || wait <= maxRetryAfter
            : IsFailure(outcome);

    private static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout
        || (status >= HttpStatusCode.InternalServerError && status is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported));
}
