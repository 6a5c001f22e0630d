using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Caching;

/// <summary>
/// A cache of blob descriptors in repository scope: that <c>repository</c> may serve <c>digest</c>, and the
/// blob's size (registry:2's <c>storage.cache.blobdescriptor</c>). It only ever holds links that exist in
/// the metadata store (no negative entries), so a miss always asks the store. A cache that fails answers
/// like a miss and never throws: callers fall back to the store.
/// </summary>
internal interface IBlobDescriptorCache
{
    /// <summary>The cached size of a blob linked to the repository, or null on a miss (or when the cache is unreachable).</summary>
    ValueTask<long?> GetLinkedSizeAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Records that the repository links the blob with this size.</summary>
    ValueTask SetLinkedAsync(string repository, Digest digest, long size, CancellationToken cancellationToken);

    /// <summary>Forgets the link (after it was removed from the store).</summary>
    ValueTask RemoveLinkAsync(string repository, Digest digest, CancellationToken cancellationToken);
}
