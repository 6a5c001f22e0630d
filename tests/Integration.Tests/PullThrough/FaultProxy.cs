using System.Net;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>
/// A small HTTP proxy (Kestrel on 127.0.0.1, a port picked by the OS) in front of a registry, streaming everything
/// through unchanged unless told otherwise: the next blob GETs answered 500, or blob bodies with one byte flipped
/// (same length: only the digest can tell). An upstream that cannot be reached is answered 502.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly Uri _upstream;
    private readonly HttpClient _forwarder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private KestrelPeer? _peer;
    private int _failNextBlobGets;

    private FaultProxy(Uri upstream) => _upstream = upstream;

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Host { get; private set; } = string.Empty;

    /// <summary>Flip one byte in the middle of every blob body from now on.</summary>
    public bool CorruptBlobs { get; set; }

    /// <summary>Blob GETs answered 500 by the proxy itself.</summary>
    public int FailedBlobGets { get; private set; }

    public static async Task<FaultProxy> StartAsync(Uri upstream)
    {
        var proxy = new FaultProxy(upstream);
        proxy._peer = await KestrelPeer.StartAsync(proxy.HandleAsync);
        proxy.Host = $"127.0.0.1:{proxy._peer.BaseUri.Port}";
        return proxy;
    }

    /// <summary>Answers the next <paramref name="count"/> blob GETs with 500 instead of forwarding them.</summary>
    public void FailNextBlobGets(int count) => Interlocked.Exchange(ref _failNextBlobGets, count);

    public async ValueTask DisposeAsync()
    {
        if (_peer is not null)
        {
            await _peer.DisposeAsync();
        }

        _forwarder.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var isBlobGet = HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value!.Contains("/blobs/sha256:", StringComparison.Ordinal);
        if (isBlobGet && TakeFailure())
        {
            FailedBlobGets++;
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_upstream, context.Request.Path + context.Request.QueryString));
        foreach (var (name, value) in context.Request.Headers)
        {
            if (!HopByHop.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            if (isBlobGet && CorruptBlobs && response.IsSuccessStatusCode)
            {
                // Blobs of these tests are small: the whole body is read to flip its middle byte.
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

    private bool TakeFailure()
    {
        for (var left = Volatile.Read(ref _failNextBlobGets); left > 0; left = Volatile.Read(ref _failNextBlobGets))
        {
            if (Interlocked.CompareExchange(ref _failNextBlobGets, left - 1, left) == left)
            {
                return true;
            }
        }

        return false;
    }
}
