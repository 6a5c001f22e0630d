using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Caching;

/// <summary>
/// The metadata store with its blob-link lookups (asked on every blob GET and HEAD) answered from an
/// <see cref="IBlobDescriptorCache"/> first. Links are written to the store before the cache and removed from
/// the store before the cache, so the cache never holds a link the store did not have; everything else
/// goes straight to the store. The store stays its owner's (the container's) to dispose.
/// </summary>
internal sealed class CachingMetadataStore(IMetadataStore inner, IBlobDescriptorCache cache) : IMetadataStore
{
    /// <summary>The store behind the cache.</summary>
    public IMetadataStore Inner => inner;

    public async Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        if (await cache.GetLinkedSizeAsync(repository, digest, cancellationToken) is { } cached)
        {
            return cached;
        }

        var size = await inner.GetLinkedBlobSizeAsync(repository, digest, cancellationToken);
        if (size is { } found)
        {
            await cache.SetLinkedAsync(repository, digest, found, cancellationToken);
        }

        return size;
    }

    public async Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        await inner.LinkBlobAsync(repository, digest, size, cancellationToken);
        // The store keeps the first size of a link; a blob's size is a property of its digest, so it is this one.
        await cache.SetLinkedAsync(repository, digest, size, cancellationToken);
    }

    public async Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        var removed = await inner.UnlinkBlobAsync(repository, digest, cancellationToken);
        await cache.RemoveLinkAsync(repository, digest, cancellationToken);
        return removed;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    public Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken) =>
        inner.RepositoryExistsAsync(repository, cancellationToken);

    public Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken) =>
        inner.ListRepositoriesAsync(last, limit, cancellationToken);

    public Task<bool> IsBlobReferencedAsync(Digest digest, CancellationToken cancellationToken) =>
        inner.IsBlobReferencedAsync(digest, cancellationToken);

    public Task PutManifestAsync(string repository, ManifestRecord manifest, string? tag, string? dockerImageReference, CancellationToken cancellationToken) =>
        inner.PutManifestAsync(repository, manifest, tag, dockerImageReference, cancellationToken);

    // Remote-backed blobs are not links: pull-through caches them itself (blobrepositorycachettl).
    public Task LinkRemoteBlobsAsync(string repository, IReadOnlyList<RemoteBlobRecord> blobs, CancellationToken cancellationToken) =>
        inner.LinkRemoteBlobsAsync(repository, blobs, cancellationToken);

    public Task<long?> GetRemoteBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        inner.GetRemoteBlobSizeAsync(repository, digest, cancellationToken);

    public Task<IReadOnlyList<TagHistoryEntry>> ListRemoteTagHistoryAsync(string repository, CancellationToken cancellationToken) =>
        inner.ListRemoteTagHistoryAsync(repository, cancellationToken);

    public Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        inner.GetManifestAsync(repository, digest, cancellationToken);

    public Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        inner.GetManifestByTagAsync(repository, tag, cancellationToken);

    public Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        inner.DeleteManifestAsync(repository, digest, cancellationToken);

    public Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        inner.DeleteTagAsync(repository, tag, cancellationToken);

    public Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken) =>
        inner.ListTagsAsync(repository, last, limit, cancellationToken);

    public Task<IReadOnlyList<TagHistoryEntry>> GetTagHistoryAsync(string repository, string tag, CancellationToken cancellationToken) =>
        inner.GetTagHistoryAsync(repository, tag, cancellationToken);

    public Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken) =>
        inner.ListReferrersAsync(repository, subject, artifactType, cancellationToken);

    public Task CreateUploadAsync(UploadSession session, CancellationToken cancellationToken) =>
        inner.CreateUploadAsync(session, cancellationToken);

    public Task<UploadSession?> GetUploadAsync(string repository, string id, CancellationToken cancellationToken) =>
        inner.GetUploadAsync(repository, id, cancellationToken);

    public Task DeleteUploadAsync(string repository, string id, CancellationToken cancellationToken) =>
        inner.DeleteUploadAsync(repository, id, cancellationToken);

    public Task<IReadOnlyList<UploadSession>> ListUploadsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        inner.ListUploadsStartedBeforeAsync(cutoff, cancellationToken);
}
