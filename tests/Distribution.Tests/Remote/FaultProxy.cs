using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>
/// A real HTTP proxy (Kestrel) in front of a registry that injects faults: the next requests answered
/// with a given status (and Retry-After), every request answered 503, bodies with one byte flipped, Range
/// ignored. Counts the requests that reached it.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly Uri upstream;
    private readonly HttpClient forwarder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly ConcurrentQueue<(HttpStatusCode Status, string? RetryAfter)> faults = new();
    private readonly ConcurrentQueue<string> log = new();
    private readonly SemaphoreSlim arrivals = new(0);
    private KestrelPeer? peer;
    private int requests;

    private FaultProxy(Uri upstream) => this.upstream = upstream;

    public int Requests => Volatile.Read(ref requests);

    /// <summary>Method and path of every request received, in order.</summary>
    public IReadOnlyCollection<string> Log => log;

    public bool AlwaysUnavailable { get; set; }

    public bool CorruptBodies { get; set; }

    public bool IgnoreRange { get; set; }

    public int Port => peer!.BaseUri.Port;

    /// <summary>The registry name of the proxy: <c>127.0.0.1:port</c>.</summary>
    public string Registry => $"127.0.0.1:{Port}";

    public static async Task<FaultProxy> StartAsync(Uri upstream)
    {
        var proxy = new FaultProxy(upstream);
        proxy.peer = await KestrelPeer.StartAsync(proxy.HandleAsync);
        return proxy;
    }

    /// <summary>Answers the next <paramref name="count"/> requests with <paramref name="status"/> instead of forwarding them.</summary>
    public void FailNext(int count, HttpStatusCode status, string? retryAfter = null)
    {
        for (var i = 0; i < count; i++)
        {
            faults.Enqueue((status, retryAfter));
        }
    }

    /// <summary>Waits (at most 30 s, then fails) until one more request has arrived since the last wait.</summary>
    public async Task WaitForRequestAsync()
    {
        if (!await arrivals.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("no request reached the proxy");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (peer is not null)
        {
            await peer.DisposeAsync();
        }

        forwarder.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref requests);
        log.Enqueue($"{context.Request.Method} {context.Request.Path}");
        try
        {
            if (AlwaysUnavailable)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            if (faults.TryDequeue(out var fault))
            {
                context.Response.StatusCode = (int)fault.Status;
                if (fault.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = fault.RetryAfter;
                }

                return;
            }

            await ForwardAsync(context);
        }
        finally
        {
            arrivals.Release();
        }
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(upstream, context.Request.Path + context.Request.QueryString));
        foreach (var (name, value) in context.Request.Headers)
        {
            if (!HopByHop.Contains(name) && !(IgnoreRange && name.Equals("Range", StringComparison.OrdinalIgnoreCase)))
            {
                request.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        using var response = await forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var isContent = context.Request.Method == "GET" && response.IsSuccessStatusCode
            && (context.Request.Path.Value!.Contains("/blobs/", StringComparison.Ordinal) || context.Request.Path.Value.Contains("/manifests/", StringComparison.Ordinal));
        if (CorruptBodies && isContent)
        {
            // Same length, one byte different: only the digest can tell.
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy, context.RequestAborted);
            var bytes = copy.ToArray();
            bytes[bytes.Length / 2] ^= 0xff;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        await body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
