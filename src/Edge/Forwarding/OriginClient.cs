using System.Net;
using EdgeRegistry.Edge.Configuration;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>
/// The connections to the origin, all behind one resilience pipeline (<see cref="OriginResilienceHandler"/>)
/// so that retries, timeouts and the circuit breaker see every request the edge makes. Nothing here
/// buffers a body: callers read responses as streams.
/// </summary>
internal sealed class OriginClient : IDisposable
{
    private readonly SocketsHttpHandler directHandler;
    private readonly SocketsHttpHandler redirectHandler;

    public OriginClient(EdgeOptions options, OriginResilienceHandler.Pipeline pipeline)
    {
        Origin = options.Origin.Url!;
        directHandler = CreateHandler(allowRedirects: false);
        redirectHandler = CreateHandler(allowRedirects: true);
        Forwarding = new HttpMessageInvoker(new OriginResilienceHandler(pipeline, directHandler), disposeHandler: true);
        Direct = new HttpClient(new OriginResilienceHandler(pipeline, directHandler), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Fetching = new HttpClient(new OriginResilienceHandler(pipeline, redirectHandler), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Base URL of the origin.</summary>
    public Uri Origin { get; }

    /// <summary>For YARP: no redirects followed, no decompression, no cookies.</summary>
    public HttpMessageInvoker Forwarding { get; }

    /// <summary>For authorization checks and manifests: redirects are answers, not followed.</summary>
    public HttpClient Direct { get; }

    /// <summary>For cache fills: follows redirects (an origin may send blob GETs to S3 or a CDN; the Authorization header is dropped on the way).</summary>
    public HttpClient Fetching { get; }

    public Uri Url(string pathAndQuery) => new(Origin, pathAndQuery);

    /// <summary>True when <paramref name="exception"/> means the origin could not be reached or answered in time (not that the client went away).</summary>
    public static bool IsUnavailable(Exception exception, CancellationToken clientToken) => exception switch
    {
        HttpRequestException or BrokenCircuitException or TimeoutRejectedException => true,
        OperationCanceledException => !clientToken.IsCancellationRequested,
        _ => false,
    };

    public void Dispose()
    {
        Forwarding.Dispose();
        Direct.Dispose();
        Fetching.Dispose();
        directHandler.Dispose();
        redirectHandler.Dispose();
    }

    private static SocketsHttpHandler CreateHandler(bool allowRedirects) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = allowRedirects,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ActivityHeadersPropagator = null,
    };
}
