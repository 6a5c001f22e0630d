using Yarp.ReverseProxy.Forwarder;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>
/// YARP's default transform plus one rule: a <c>Location</c> header that points at the origin is
/// rewritten to point at the edge the client talked to, so upload sessions and redirects keep the
/// client on its edge. Locations elsewhere (S3, a CDN) are left alone.
/// </summary>
internal sealed class LocationRewritingTransformer(OriginClient origin) : HttpTransformer
{
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var location = httpContext.Response.Headers.Location.ToString();
        if (location.Length > 0 && Rewrite(origin.Origin, httpContext.Request, location) is { } rewritten)
        {
            httpContext.Response.Headers.Location = rewritten;
        }

        return result;
    }

    /// <summary>The location as seen from the edge, or null when <paramref name="location"/> is relative or points elsewhere.</summary>
    public static string? Rewrite(Uri origin, HttpRequest request, string location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) ||
            !string.Equals(uri.Authority, origin.Authority, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(uri.Scheme, origin.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return $"{request.Scheme}://{request.Host}{uri.PathAndQuery}";
    }
}
