using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// Where a cache fill gets a blob's bytes: the origin with the client's credentials (<see cref="OriginBlobSource"/>),
/// or remote registries (pull-through, mirror mode). The fill itself, its single flight, the hashing and the
/// publication are the cache's, whatever the source.
/// </summary>
internal abstract class BlobSource
{
    /// <summary>For logs: what the bytes come from (<c>the origin (team/app)</c>, <c>docker.io/library/busybox</c>).</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Asks for <paramref name="digest"/>. The answer streams the body, or carries the refusal to pass back to the
    /// client that started the fill (its status, headers and small body). Runs on the fill's own token, never a
    /// client's; throws only when that token is cancelled.
    /// </summary>
    public abstract Task<BlobSourceAnswer> OpenAsync(Digest digest, CancellationToken cancellationToken);
}
