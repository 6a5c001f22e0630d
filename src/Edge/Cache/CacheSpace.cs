namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// Which of the cache's two trees a file lives in. Content fetched for the origin's repositories is served only
/// after the origin authorized the client; content of mirror mode is served to anyone who may reach the edge. They
/// are kept apart so that a mirror request naming the digest of a private image cannot read it from the cache.
/// </summary>
internal enum CacheSpace
{
    /// <summary><c>blobs/</c> and <c>manifests/</c>: the origin's repositories (pull-through included).</summary>
    Origin,

    /// <summary><c>mirror-blobs/</c> and <c>mirror-manifests/</c>: mirror mode's upstream registries.</summary>
    Mirror,
}
