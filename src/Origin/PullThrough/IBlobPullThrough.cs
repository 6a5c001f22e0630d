using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// Serves a blob that a repository may serve but does not link locally: one its imported manifests reference, whose
/// bytes are at the remote registries its image stream status names (seed 3.5.4.5.3, "Image Pullthrough").
/// </summary>
internal interface IBlobPullThrough
{
    /// <summary>
    /// Answers a blob GET or HEAD of <paramref name="repository"/> from a remote registry, or from local storage when
    /// the bytes are already there; false, with nothing sent, when the repository has no such remote-backed blob or
    /// pull-through is off (the caller answers BLOB_UNKNOWN). The caller has checked pull rights. Throws
    /// <see cref="Distribution.Errors.RegistryException"/> when no candidate serves the blob (BLOB_UNKNOWN, or the
    /// most telling upstream failure: DENIED for a registry off the allowlist, UNAVAILABLE when it is down).
    /// </summary>
    Task<bool> TryServeAsync(HttpContext context, string repository, Digest digest, CancellationToken cancellationToken);
}
