using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Edge.Upstream;

namespace EdgeRegistry.Edge.PullThrough;

/// <summary>
/// Chooses where a blob cache miss is filled from: for a repository of the origin whose image stream names remote
/// images, those remotes first and the origin when none has the blob; otherwise the origin alone; in mirror mode,
/// the mirrored upstream repository.
/// </summary>
internal sealed class PullThroughSources(
    ImageStreamCandidates candidates, RemoteRegistryClientFactory remotes, UpstreamMetrics upstreamMetrics, OriginClient origin, EdgeMetrics metrics,
    ILoggerFactory loggers)
{
    private readonly ILogger originLogger = loggers.CreateLogger<OriginBlobSource>();
    private readonly ILogger remoteLogger = loggers.CreateLogger<RemoteBlobSource>();

    /// <summary>
    /// The source of a miss of <paramref name="repository"/> for the client of <paramref name="request"/>.
    /// <c>Remote</c> is true when the bytes may come from a remote registry, which does not check the client: the
    /// caller must then have the origin authorize the client before starting the fill.
    /// </summary>
    public async Task<(BlobSource Source, bool Remote)> ForOriginAsync(HttpRequest request, string repository, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        var fromOrigin = new OriginBlobSource(origin, metrics, repository, authorization, originLogger);
        var remote = await candidates.GetAsync(request, repository, cancellationToken);
        return remote.Count == 0
            ? (fromOrigin, false)
            : (new RemoteBlobSource(remotes, upstreamMetrics, remote, fromOrigin, remoteLogger), true);
    }

    /// <summary>The source of a mirror-mode miss: <paramref name="upstream"/> alone.</summary>
    public BlobSource ForMirror(RemoteRepository upstream) => new RemoteBlobSource(remotes, upstreamMetrics, [upstream], null, remoteLogger);
}
