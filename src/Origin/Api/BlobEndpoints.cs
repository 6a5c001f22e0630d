using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Blobs;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.PullThrough;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// <c>GET</c>/<c>HEAD</c>/<c>DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> (OCI Distribution Spec v1.1, "Pulling blobs",
/// "Deleting blobs"). A GET or HEAD of a blob the repository does not link goes to pull-through, when it is registered.
/// </summary>
internal sealed class BlobEndpoints(IMetadataStore metadata, IStorageDriver storage, BlobSender sender, RegistryApiOptions options, IBlobPullThrough? pullThrough = null)
{
    public async Task HandleAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(route.Argument);
        // A blob is served only through a repository that links it, even when its bytes exist for another.
        var size = await metadata.GetLinkedBlobSizeAsync(route.Repository, digest, cancellationToken);
        if (size is null)
        {
            // One its imported manifests reference may still be served from the remote registry that has it.
            if (pullThrough is not null && !HttpMethods.IsDelete(context.Request.Method)
                && await pullThrough.TryServeAsync(context, route.Repository, digest, cancellationToken))
            {
                return;
            }

            throw new RegistryException(ErrorCode.BlobUnknown, detail: new { digest = digest.ToString() });
        }

        if (HttpMethods.IsDelete(context.Request.Method))
        {
            await metadata.UnlinkBlobAsync(route.Repository, digest, cancellationToken);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentLength = 0;
            return;
        }

        if (options.RedirectEnabled && HttpMethods.IsGet(context.Request.Method)
            && await storage.RedirectUrlAsync(StoragePaths.BlobData(digest), context.Request.Method, cancellationToken) is { } url)
        {
            context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
            context.Response.Redirect(url.ToString(), permanent: false, preserveMethod: true);
            return;
        }

        await sender.SendAsync(context, digest, size.Value, cancellationToken);
    }
}
