using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// The source of truth for everything that is not blob bytes. One interface, two providers (SQLite
/// embedded, PostgreSQL shared). Every call is safe to run concurrently; a call that writes several rows
/// does so in one transaction, so a crash leaves either all or none of them.
/// Repository names and tags passed in are already validated.
/// </summary>
public interface IMetadataStore
{
    /// <summary>Creates or migrates the schema. Called once at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>True when the store answers a trivial query (for <c>/readyz</c>).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    // Repositories

    Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken);

    /// <summary>Repository names in ordinal order, strictly after <paramref name="last"/> when given, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken);

    // Blob-repository links: which blobs a repository may serve.

    /// <summary>Records that <paramref name="repository"/> (created if new) may serve the blob. Idempotent.</summary>
    Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken cancellationToken);

    /// <summary>The size of a blob linked to the repository, or null when not linked.</summary>
    Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Removes the link; false when there was none.</summary>
    Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>True when any repository links the blob or any manifest references it (for garbage collection).</summary>
    Task<bool> IsBlobReferencedAsync(Digest digest, CancellationToken cancellationToken);

    // Manifests and tags

    /// <summary>
    /// Stores a manifest in <paramref name="repository"/> (created if new) with its references, and points
    /// <paramref name="tag"/> at it when given (appending to the tag's history), all in one transaction.
    /// Putting the same digest again is idempotent.
    /// </summary>
    Task PutManifestAsync(string repository, ManifestRecord manifest, string? tag, CancellationToken cancellationToken);

    Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken);

    Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Deletes the manifest and every tag pointing at it; false when it was not there.</summary>
    Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Deletes one tag (the manifest stays); false when it was not there.</summary>
    Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Tags in ordinal order, strictly after <paramref name="last"/> when given, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken);

    /// <summary>Every tag with its history, newest first.</summary>
    Task<IReadOnlyList<TagHistoryEntry>> GetTagHistoryAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Manifests of the repository whose <c>subject</c> is <paramref name="subject"/>, filtered by artifact type when given.</summary>
    Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken);

    // Upload sessions

    Task CreateUploadAsync(UploadSession session, CancellationToken cancellationToken);

    Task<UploadSession?> GetUploadAsync(string repository, string id, CancellationToken cancellationToken);

    Task DeleteUploadAsync(string repository, string id, CancellationToken cancellationToken);

    /// <summary>Sessions started before <paramref name="cutoff"/> (for upload purging).</summary>
    Task<IReadOnlyList<UploadSession>> ListUploadsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
