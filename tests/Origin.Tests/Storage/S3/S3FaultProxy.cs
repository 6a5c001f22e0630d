using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>
/// A small HTTP proxy on 127.0.0.1 in front of s3rver that answers chosen requests with an S3 error
/// instead of forwarding them. The Host header is forwarded as the client sent it, so SigV4 signatures
/// made for the proxy's address still verify at s3rver.
/// </summary>
internal sealed class S3FaultProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private readonly Uri target;
    private readonly Lock gate = new();
    private readonly List<Fault> faults = [];
    private readonly List<string> requests = [];
    private int failed;

    private S3FaultProxy(WebApplication app, HttpClient upstream, Uri target)
    {
        this.app = app;
        this.upstream = upstream;
        this.target = target;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many requests the proxy answered with an injected error or cut short.</summary>
    public int Failed => Volatile.Read(ref failed);

    /// <summary>Every request seen, as "METHOD /path?query" (with " range=..." when it had a Range header).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static async Task<S3FaultProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        var proxy = new S3FaultProxy(app, upstream, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    /// <summary>Answers the next <paramref name="count"/> requests that <paramref name="match"/> accepts with <paramref name="status"/> and an S3 error code.</summary>
    public void FailNext(int count, Func<HttpRequest, bool> match, HttpStatusCode status = HttpStatusCode.InternalServerError, string code = "InternalError")
    {
        lock (gate)
        {
            faults.Add(new Fault(match, status, code) { Remaining = count });
        }
    }

    /// <summary>Forwards the next <paramref name="count"/> matching requests but breaks the connection after <paramref name="bytes"/> bytes of the answer's body.</summary>
    public void CutNext(int count, Func<HttpRequest, bool> match, int bytes)
    {
        lock (gate)
        {
            faults.Add(new Fault(match, HttpStatusCode.OK, string.Empty) { Remaining = count, CutAfter = bytes });
        }
    }

    /// <summary>Answers every request with the error until <see cref="Heal"/>.</summary>
    public void FailAll(HttpStatusCode status = HttpStatusCode.ServiceUnavailable, string code = "ServiceUnavailable") =>
        FailNext(int.MaxValue, _ => true, status, code);

    public void Heal()
    {
        lock (gate)
        {
            faults.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Fault? fault = null;
        lock (gate)
        {
            requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}"
                + (context.Request.Headers.Range.Count > 0 ? $" range={context.Request.Headers.Range}" : string.Empty));
            fault = faults.FirstOrDefault(f => f.Remaining > 0 && f.Match(context.Request));
            if (fault is not null)
            {
                fault.Remaining--;
            }
        }

        if (fault is { CutAfter: null })
        {
            Interlocked.Increment(ref failed);
            // Drain the body first, as S3 does, so the client sees the answer and not a reset.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.StatusCode = (int)fault.Status;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{fault.Code}</Code><Message>injected by the test proxy</Message></Error>");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, context.Request.Path + context.Request.QueryString));
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = values.ToString();
            }
            else if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        if (fault is { CutAfter: { } cut })
        {
            Interlocked.Increment(ref failed);
            var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var head = new byte[cut];
            await body.ReadExactlyAsync(head, context.RequestAborted);
            await context.Response.Body.WriteAsync(head, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
            return;
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private sealed class Fault(Func<HttpRequest, bool> match, HttpStatusCode status, string code)
    {
        public Func<HttpRequest, bool> Match { get; } = match;

        public HttpStatusCode Status { get; } = status;

        public string Code { get; } = code;

        public int Remaining { get; set; }

        public int? CutAfter { get; init; }
    }
}
