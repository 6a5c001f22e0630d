using System.Buffers;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>Copies an origin response that the edge fetched itself to the client: status, end-to-end headers, body streamed.</summary>
internal static class OriginResponseRelay
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
    };

    /// <summary>Sets the status and copies the headers (Location rewritten to the edge).</summary>
    public static void CopyHead(HttpResponseMessage source, HttpContext context, Uri origin)
    {
        var response = context.Response;
        response.StatusCode = (int)source.StatusCode;
        foreach (var (name, values) in source.Headers.Concat(source.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                response.Headers[name] = values.ToArray();
            }
        }

        if (response.Headers.Location.ToString() is { Length: > 0 } location &&
            LocationRewritingTransformer.Rewrite(origin, context.Request, location) is { } rewritten)
        {
            response.Headers.Location = rewritten;
        }
    }

    /// <summary>Copies status, headers and (except for HEAD) the body.</summary>
    public static async Task CopyAsync(HttpResponseMessage source, HttpContext context, Uri origin, CancellationToken cancellationToken)
    {
        CopyHead(source, context, origin);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using var body = await source.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes an OCI error (status from the catalog) unless the response has started.</summary>
    public static async Task WriteErrorAsync(HttpContext context, ErrorCode code, string message, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = (int)code.Status;
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(ErrorBody.Serialize(code.Code, message), cancellationToken);
    }
}
