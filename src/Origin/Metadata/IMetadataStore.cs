using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// The source of truth for everything that is not blob bytes. One interface, two providers (SQLite
/// embedded, PostgreSQL shared). Every call is safe to run concurrently; a call that writes several rows
/// does so in one transaction, so a crash leaves either all or none of them.
/// Repository names and tags passed in are already validated. Times are stamped by the store from its
/// <see cref="TimeProvider"/> (except <see cref="UploadSession.Started"/>, stored as given) and read back
/// in UTC, truncated to the millisecond. Any call other than <see cref="InitializeAsync"/> and
/// <see cref="PingAsync"/> fails with <see cref="InvalidOperationException"/> before initialization.
/// </summary>
public interface IMetadataStore
{
    /// <summary>Creates or migrates the schema. Called once at start-up; running it again is harmless.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>True when the store answers a trivial query (for <c>/readyz</c>); false, never an exception, when it does not.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    // Repositories

    /// <summary>True when the repository exists: a blob link or a manifest put created it (an upload alone does not).</summary>
    Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken);

    /// <summary>
    /// Repository names in ordinal order, strictly after <paramref name="last"/> when given, at most
    /// <paramref name="limit"/> (not negative). An indexed range query: the cost of a page does not grow with the
    /// number of repositories.
    /// </summary>
    Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken);

    // Blob-repository links: which blobs a repository may serve.

    /// <summary>Records that <paramref name="repository"/> (created if new) may serve the blob. Idempotent: linking again keeps the first size.</summary>
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
    /// Putting the same digest again is idempotent: the stored bytes, media type and time stay, the tag still
    /// moves. A history entry is appended only when the tag is new or now points at another digest.
    /// <see cref="ManifestRecord.Created"/> of the argument is ignored: the store records the first put's time.
    /// </summary>
    Task PutManifestAsync(string repository, ManifestRecord manifest, string? tag, CancellationToken cancellationToken) =>
        PutManifestAsync(repository, manifest, tag, dockerImageReference: null, cancellationToken);

    /// <summary>The manifest with its bytes exactly as stored, or null. <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> may be empty.</summary>
    Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>The manifest the tag points at, as <see cref="GetManifestAsync"/>, or null when the tag does not exist.</summary>
    Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>Deletes the manifest, its reference rows and every tag pointing at it (tag history stays); false when it was not there.</summary>
    Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Deletes one tag (the manifest and the tag's history stay); false when it was not there.</summary>
    Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>
    /// Tags in ordinal order, strictly after <paramref name="last"/> when given, at most <paramref name="limit"/>
    /// (not negative); empty for an unknown repository. An indexed range query, like the catalog.
    /// </summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The tag's history, newest first: one entry each time the tag was created or moved to another digest,
    /// kept after the tag or the manifest is deleted. Empty when the tag never existed.
    /// </summary>
    Task<IReadOnlyList<TagHistoryEntry>> GetTagHistoryAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>
    /// Manifests of the repository whose <c>subject</c> is <paramref name="subject"/>, filtered by artifact type
    /// when given, in digest order. <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> may be empty.
    /// </summary>
    Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken);

    // Images imported from remote registries (pull-through)

    /// <summary>
    /// Stores a manifest as <see cref="PutManifestAsync(string, ManifestRecord, string?, CancellationToken)"/> does, and
    /// records <paramref name="dockerImageReference"/> in the tag's history entry: the image's pull spec at a remote
    /// registry (<c>docker.io/library/busybox@sha256:...</c>) for an imported image, null for one of this registry.
    /// With a reference, an entry is also appended when the tag stays on its digest but its newest entry names
    /// another reference (the same image imported from elsewhere).
    /// </summary>
    Task PutManifestAsync(string repository, ManifestRecord manifest, string? tag, string? dockerImageReference, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="repository"/> (created if new) may serve these blobs although their bytes are at a
    /// remote registry (pull-through fetches them). Idempotent: a blob recorded again keeps its first size. One transaction.
    /// </summary>
    Task LinkRemoteBlobsAsync(string repository, IReadOnlyList<RemoteBlobRecord> blobs, CancellationToken cancellationToken);

    /// <summary>
    /// The size of a blob the repository may serve from a remote registry (<see cref="RemoteBlobRecord.UnknownSize"/>
    /// when its manifest did not state it), or null when the repository has no such blob.
    /// </summary>
    Task<long?> GetRemoteBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// The history entries of the repository that name a remote image (<see cref="TagHistoryEntry.DockerImageReference"/>
    /// set): tags in ordinal order, each tag's entries newest first. Empty for an unknown repository.
    /// </summary>
    Task<IReadOnlyList<TagHistoryEntry>> ListRemoteTagHistoryAsync(string repository, CancellationToken cancellationToken);

    // Upload sessions

    /// <summary>
    /// Records a new session; <see cref="InvalidOperationException"/> when the id already exists in the repository.
    /// Need not be durable before it returns (an upload in progress does not outlive a power failure: the
    /// client starts it again), unlike the writes of blobs, links, manifests and tags.
    /// </summary>
    Task CreateUploadAsync(UploadSession session, CancellationToken cancellationToken);

    /// <summary>The session, or null when unknown.</summary>
    Task<UploadSession?> GetUploadAsync(string repository, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the session; nothing happens when it is unknown. Need not be durable before it returns: a
    /// session a power failure brings back is purged as abandoned.
    /// </summary>
    Task DeleteUploadAsync(string repository, string id, CancellationToken cancellationToken);

    /// <summary>Sessions started strictly before <paramref name="cutoff"/>, oldest first (for upload purging).</summary>
    Task<IReadOnlyList<UploadSession>> ListUploadsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
