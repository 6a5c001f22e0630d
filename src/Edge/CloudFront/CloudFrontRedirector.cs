using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Edge.Authorization;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Signing.CloudFront;

namespace EdgeRegistry.Edge.CloudFront;

/// <summary>
/// The edge's CloudFront policy for blob GETs: a cached blob, or one being filled, is served locally; a miss
/// for a blob of at least <see cref="ThresholdBytes"/> answers <c>307</c> to the blob's URL on the CloudFront
/// distribution, signed with a canned policy that expires <see cref="CloudFrontOptions.Duration"/> from now
/// (and, with <see cref="BackgroundFill"/>, starts the usual fill so the next pull is local); a smaller
/// blob is filled as usual. The URL's path is the blob's object key in the origin's bucket (the
/// distribution's origin). The signed URL is never logged: it is a bearer credential for the blob until it expires.
/// </summary>
internal sealed partial class CloudFrontRedirector
{
    private readonly CloudFrontUrlSigner signer;
    private readonly BlobCache cache;
    private readonly OriginAuthorizer authorizer;
    private readonly string blobsUrl;
    private readonly TimeSpan duration;
    private readonly EdgeMetrics metrics;
    private readonly ILogger logger;

    public CloudFrontRedirector(
        CloudFrontOptions options, CloudFrontUrlSigner signer, BlobCache cache, OriginAuthorizer authorizer, EdgeMetrics metrics, ILogger<CloudFrontRedirector> logger)
    {
        ArgumentNullException.ThrowIfNull(options.BaseUrl);
        this.signer = signer;
        this.cache = cache;
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.logger = logger;
        duration = options.Duration;
        ThresholdBytes = options.ThresholdBytes;
        BackgroundFill = options.BackgroundFill;
        var baseUrl = options.BaseUrl.AbsoluteUri.TrimEnd('/');
        var root = string.Join('/', options.RootDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        blobsUrl = $"{baseUrl}/{(root.Length == 0 ? string.Empty : root + "/")}docker/registry/v2/blobs/";
    }

    /// <summary>The smallest blob that is redirected.</summary>
    public long ThresholdBytes { get; }

    /// <summary>Whether a redirected blob is also filled into the cache.</summary>
    public bool BackgroundFill { get; }

    /// <summary>
    /// Answers the blob GET of <paramref name="route"/> when the policy sends it to CloudFront, or when the origin
    /// refuses this client (its answer, unchanged); returns false, having written nothing, when the blob is to be
    /// served here (cached, being filled, below the threshold, or of unknown size). A background fill reads from
    /// <paramref name="fillSource"/>.
    /// </summary>
    /// <remarks>
    /// The size comes from the origin's answer to the authorization HEAD, which the blob endpoint would ask
    /// anyway; an answer cached without a size (the edge recorded it while filling) counts as unknown.
    /// </remarks>
    public async Task<bool> TryRedirectAsync(HttpContext context, RegistryRoute route, BlobSource fillSource, CancellationToken cancellationToken)
    {
        var digest = route.Digest!.Value;
        var local = cache.Lookup(digest, CacheSpace.Origin, source: null);
        if (local.Lease is not null || local.Fill is not null)
        {
            // A hit is served from disk, and a running fill brings the bytes to this node anyway.
            local.Lease?.Dispose();
            return false;
        }

        var decision = await authorizer.AuthorizeAsync(context, route.Repository, route.Reference, cancellationToken);
        if (!decision.Allowed)
        {
            await OriginAuthorizer.WriteRefusalAsync(context, decision, ErrorCode.BlobUnknown, cancellationToken);
            return true;
        }

        if (!ShouldRedirect(decision.Length))
        {
            return false;
        }

        if (BackgroundFill)
        {
            // The usual single-flight fill, on its own token: it outlives this request, which ends at once.
            var started = cache.Lookup(digest, CacheSpace.Origin, fillSource);
            started.Lease?.Dispose();
        }

        Redirect(context, route.Repository, digest, decision.Length!.Value);
        return true;
    }

    /// <summary>Whether a blob of <paramref name="size"/> bytes goes to CloudFront; a blob of unknown size does not.</summary>
    public bool ShouldRedirect(long? size) => size >= ThresholdBytes;

    /// <summary>The signed URL of <paramref name="digest"/> on the distribution.</summary>
    public string SignedUrl(Digest digest) =>
        signer.SignCanned(new Uri($"{blobsUrl}{digest.Algorithm}/{digest.Hex[..2]}/{digest.Hex}/data"), duration);

    /// <summary>Writes the redirect: <c>307</c>, <c>Location</c> the signed URL, and the blob's digest.</summary>
    public void Redirect(HttpContext context, string repository, Digest digest, long size)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        response.Headers.Location = SignedUrl(digest);
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        response.ContentLength = 0;
        metrics.CdnRedirects.Inc();
        Log.Redirected(logger, repository, digest.ToString(), size);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4500, Level = LogLevel.Information, Message = "{Repository}@{Digest} ({Size} bytes) redirected to CDN")]
        public static partial void Redirected(ILogger logger, string repository, string digest, long size);
    }
}
