using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Uploads;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// <c>/v2/&lt;name&gt;/blobs/uploads/</c> and <c>.../uploads/&lt;id&gt;</c> (OCI Distribution Spec v1.1,
/// "Pushing blobs": monolithic, POST-PUT, chunked, cross-repository mount, status, cancel).
/// </summary>
internal sealed class UploadEndpoints(UploadService uploads)
{
    public Task HandleAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        return route.Kind == V2RouteKind.UploadStart
            ? StartAsync(context, route.Repository, cancellationToken)
            : HttpMethods.IsPatch(method) ? PatchAsync(context, route, cancellationToken)
            : HttpMethods.IsPut(method) ? PutAsync(context, route, cancellationToken)
            : HttpMethods.IsDelete(method) ? DeleteAsync(context, route, cancellationToken)
            : StatusAsync(context, route, cancellationToken);
    }

    private async Task StartAsync(HttpContext context, string repository, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (query.TryGetValue("mount", out var mount))
        {
            var digest = Digest.Parse(mount.ToString());
            if (await uploads.MountAsync(repository, query["from"].ToString(), digest, cancellationToken))
            {
                BlobCreated(context, repository, digest);
                return;
            }

            // Not mountable: the spec says to fall back to an upload session.
        }

        if (query.TryGetValue("digest", out var digestValue))
        {
            // Monolithic upload in one POST: a session that completes at once, so a crash leaves nothing visible.
            var digest = Digest.Parse(digestValue.ToString());
            var monolithic = await uploads.StartAsync(repository, cancellationToken);
            await uploads.CompleteAsync(repository, monolithic.Id, context.Request.Body, null, context.Request.ContentLength, digest, cancellationToken);
            BlobCreated(context, repository, digest);
            return;
        }

        var session = await uploads.StartAsync(repository, cancellationToken);
        UploadAccepted(context, repository, session.Id, 0, StatusCodes.Status202Accepted);
    }

    private async Task PatchAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var range = ContentRange.Parse(context.Request.Headers.ContentRange.ToString());
        var offset = await uploads.AppendAsync(route.Repository, route.Argument, context.Request.Body, range, context.Request.ContentLength, cancellationToken);
        UploadAccepted(context, route.Repository, route.Argument, offset, StatusCodes.Status202Accepted);
    }

    private async Task PutAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var digestValue = context.Request.Query["digest"].ToString();
        if (digestValue.Length == 0)
        {
            throw new RegistryException(ErrorCode.DigestInvalid, "the digest query parameter is required to complete an upload");
        }

        var digest = Digest.Parse(digestValue);
        var range = ContentRange.Parse(context.Request.Headers.ContentRange.ToString());
        await uploads.CompleteAsync(route.Repository, route.Argument, context.Request.Body, range, context.Request.ContentLength, digest, cancellationToken);
        BlobCreated(context, route.Repository, digest);
    }

    private async Task StatusAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var offset = await uploads.GetOffsetAsync(route.Repository, route.Argument, cancellationToken);
        UploadAccepted(context, route.Repository, route.Argument, offset, StatusCodes.Status204NoContent);
    }

    private async Task DeleteAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        await uploads.CancelAsync(route.Repository, route.Argument, cancellationToken);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static void UploadAccepted(HttpContext context, string repository, string id, long offset, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers.Location = $"/v2/{repository}/blobs/uploads/{id}";
        // distribution reports an empty upload as 0-0; clients rely on that form.
        response.Headers.Range = $"0-{Math.Max(0, offset - 1)}";
        response.Headers[RegistryHeaders.UploadUuid] = id;
        response.ContentLength = 0;
    }

    private static void BlobCreated(HttpContext context, string repository, Digest digest)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{repository}/blobs/{digest}";
        response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        response.ContentLength = 0;
    }
}
