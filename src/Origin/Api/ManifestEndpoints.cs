using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Manifests;

namespace EdgeRegistry.Origin.Api;

/// <summary><c>GET</c>/<c>HEAD</c>/<c>PUT</c>/<c>DELETE /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
internal sealed class ManifestEndpoints(ManifestService manifests, RegistryApiOptions options)
{
    public Task HandleAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        return HttpMethods.IsPut(method) ? PutAsync(context, route, cancellationToken)
            : HttpMethods.IsDelete(method) ? DeleteAsync(context, route, cancellationToken)
            : GetAsync(context, route, cancellationToken);
    }

    private async Task GetAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var reference = Reference.Parse(route.Argument, ErrorCode.ManifestUnknown);
        var manifest = await manifests.GetAsync(route.Repository, reference, cancellationToken);
        if (!AcceptNegotiation.IsAcceptable(context.Request.Headers.Accept, manifest.MediaType))
        {
            // Nothing is converted: a client that lists manifest types but not this one cannot read it
            // (distribution answers an OCI index the same way).
            throw new RegistryException(ErrorCode.ManifestUnknown, $"the manifest is {manifest.MediaType}, which the Accept header does not list", new { mediaType = manifest.MediaType });
        }

        var response = context.Response;
        var etag = $"\"{manifest.Digest}\"";
        response.Headers[RegistryHeaders.ContentDigest] = manifest.Digest.ToString();
        response.Headers.ETag = etag;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Size;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.ContentLength = null;
            return;
        }

        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(manifest.Payload, cancellationToken);
        }
    }

    private async Task PutAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var reference = Reference.Parse(route.Argument, ErrorCode.ManifestInvalid);
        var manifest = await manifests.PutAsync(
            route.Repository,
            reference,
            context.Request.ContentType,
            context.Request.Body,
            context.Request.ContentLength,
            options.MaxManifestBytes,
            cancellationToken);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{route.Repository}/manifests/{manifest.Digest}";
        response.Headers[RegistryHeaders.ContentDigest] = manifest.Digest.ToString();
        if (manifest.Subject is { } subject)
        {
            // OCI 1.1: tells the client the registry processed the subject, so it need not update a referrers tag.
            response.Headers[RegistryHeaders.OciSubject] = subject.ToString();
        }

        response.ContentLength = 0;
    }

    private async Task DeleteAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var reference = Reference.Parse(route.Argument, ErrorCode.ManifestUnknown);
        await manifests.DeleteAsync(route.Repository, reference, cancellationToken);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }
}
