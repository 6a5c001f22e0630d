using System.Net;
using EdgeRegistry.Edge.Configuration;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>
/// Runs every request to the origin through one Polly pipeline: retries with jittered exponential
/// back-off for idempotent requests (GET, HEAD) on connection failures, timeouts and 502/503/504; a
/// per-attempt timeout to the response headers for idempotent requests (uploads may legitimately take
/// long); and a circuit breaker shared by all requests, so a dead origin fails fast.
/// </summary>
internal sealed class OriginResilienceHandler(OriginResilienceHandler.Pipeline pipeline, HttpMessageHandler inner)
    : DelegatingHandler(inner)
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("edge.request");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            // Requests without a body can be sent again as they are: SocketsHttpHandler does not mark them sent.
            return await pipeline.Value.ExecuteAsync(
                static async (ctx, state) => await state.Self.SendCoreAsync(state.Request, ctx.CancellationToken),
                context,
                (Self: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private static bool IsIdempotent(ResilienceContext context) =>
        context.Properties.TryGetValue(RequestKey, out var request) &&
        (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options);

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
        _ => false,
    };

    /// <summary>The pipeline, built once per origin.</summary>
    internal sealed class Pipeline
    {
        public Pipeline(EdgeOptions options)
        {
            var origin = options.Origin;
            Value = new ResiliencePipelineBuilder<HttpResponseMessage>
                {
                    // Polly's delays and timeouts run on the real clock: the injected TimeProvider is for the
                    // edge's own expiries, which tests move by hand.
                    TimeProvider = TimeProvider.System,
                }
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = Math.Max(origin.Retries, 1),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = TimeSpan.FromSeconds(2),
                    ShouldHandle = args => ValueTask.FromResult(
                        origin.Retries > 0 && IsIdempotent(args.Context) && args.Outcome.Exception is not BrokenCircuitException && IsTransient(args.Outcome)),
                })
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 6,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = origin.BreakDuration,
                    ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                })
                .AddTimeout(new TimeoutStrategyOptions
                {
                    TimeoutGenerator = args => ValueTask.FromResult(IsIdempotent(args.Context) ? origin.Timeout : TimeSpan.Zero),
                })
                .Build();
        }

        public ResiliencePipeline<HttpResponseMessage> Value { get; }
    }
}
