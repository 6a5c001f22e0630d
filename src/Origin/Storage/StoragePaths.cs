using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// The one mapper from registry objects to driver paths. The layout is CNCF distribution's
/// (<c>registry/storage/paths.go</c>), so an existing registry:2 storage tree can be used in place:
/// <code>
/// /docker/registry/v2
///   -> blobs/
///      -> &lt;algorithm&gt;/
///         -> &lt;first two hex characters&gt;/
///            -> &lt;hex&gt;/
///               -> data                          the blob's bytes, visible only once verified
///   -> repositories/
///      -> &lt;name&gt;/                             may have several components: openshift/busybox
///         -> _uploads/
///            -> &lt;id&gt;/
///               -> data                          the bytes received so far
///               -> startedat                     RFC 3339 start time (registry:2)
///               -> hashstates/&lt;algorithm&gt;/&lt;offset&gt;  saved hash state (registry:2)
///         -> _layers/
///            -> &lt;algorithm&gt;/&lt;hex&gt;/link        "&lt;algorithm&gt;:&lt;hex&gt;": the repository may serve the blob
///         -> _manifests/
///            -> revisions/
///               -> &lt;algorithm&gt;/&lt;hex&gt;/link     "&lt;algorithm&gt;:&lt;hex&gt;": a manifest of the repository
///            -> tags/
///               -> &lt;tag&gt;/
///                  -> current/link               the digest the tag points at
///                  -> index/&lt;algorithm&gt;/&lt;hex&gt;/link  every digest the tag pointed at
/// </code>
/// Repository names, tags and upload ids are checked before they become path components, so no caller
/// input can reach outside its subtree: an invalid one is a programming error of the caller, reported as
/// <see cref="ArgumentException"/> (callers validate protocol input first and answer with the OCI error).
/// </summary>
internal static class StoragePaths
{
    /// <summary>The root of the registry:2 tree inside the driver.</summary>
    public const string Root = "/docker/registry/v2";

    /// <summary>The directory holding every blob, by algorithm.</summary>
    public const string BlobsRoot = Root + "/blobs";

    /// <summary>The directory holding every repository.</summary>
    public const string RepositoriesRoot = Root + "/repositories";

    private const string DataFile = "data";
    private const string LinkFile = "link";

    /// <summary><c>/docker/registry/v2/blobs/&lt;alg&gt;/&lt;2 hex&gt;/&lt;hex&gt;</c>: the directory of one blob.</summary>
    public static string BlobDirectory(Digest digest) =>
        $"{BlobsRoot}/{CheckDigest(digest).Algorithm}/{digest.Hex[..2]}/{digest.Hex}";

    /// <summary><c>/docker/registry/v2/blobs/&lt;alg&gt;/&lt;2 hex&gt;/&lt;hex&gt;/data</c>: the bytes of one blob.</summary>
    public static string BlobData(Digest digest) => $"{BlobDirectory(digest)}/{DataFile}";

    /// <summary>
    /// The digest of a path shaped like <see cref="BlobData"/> (for walks over <see cref="BlobsRoot"/> by
    /// garbage collection and import); false for any other path, including a blob whose two-character
    /// directory does not match its hex.
    /// </summary>
    public static bool TryParseBlobData(string path, out Digest digest)
    {
        digest = default;
        if (!path.StartsWith(BlobsRoot + "/", StringComparison.Ordinal))
        {
            return false;
        }

        // <alg>/<2 hex>/<hex>/data
        var parts = path[(BlobsRoot.Length + 1)..].Split('/');
        if (parts is not [var algorithm, var prefix, var hex, DataFile]
            || !Digest.TryParse($"{algorithm}:{hex}", out var parsed)
            || !string.Equals(prefix, hex[..2], StringComparison.Ordinal))
        {
            return false;
        }

        digest = parsed;
        return true;
    }

    /// <summary><c>/docker/registry/v2/repositories/&lt;name&gt;</c>.</summary>
    public static string Repository(string repository) => $"{RepositoriesRoot}/{CheckRepository(repository)}";

    /// <summary><c>.../repositories/&lt;name&gt;/_uploads</c>: every upload of the repository.</summary>
    public static string UploadsRoot(string repository) => $"{Repository(repository)}/_uploads";

    /// <summary><c>.../repositories/&lt;name&gt;/_uploads/&lt;id&gt;</c>: everything of one upload; deleted when it ends.</summary>
    public static string UploadDirectory(string repository, string id) => $"{UploadsRoot(repository)}/{CheckUploadId(id)}";

    /// <summary><c>.../_uploads/&lt;id&gt;/data</c>: the bytes received so far.</summary>
    public static string UploadData(string repository, string id) => $"{UploadDirectory(repository, id)}/{DataFile}";

    /// <summary><c>.../_uploads/&lt;id&gt;/startedat</c>: when the upload started (RFC 3339, as registry:2 writes it).</summary>
    public static string UploadStartedAt(string repository, string id) => $"{UploadDirectory(repository, id)}/startedat";

    /// <summary><c>.../_uploads/&lt;id&gt;/hashstates/&lt;alg&gt;/&lt;offset&gt;</c>: a hash state saved at a byte offset (registry:2).</summary>
    public static string UploadHashState(string repository, string id, string algorithm, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return $"{UploadDirectory(repository, id)}/hashstates/{CheckAlgorithm(algorithm)}/{offset}";
    }

    /// <summary><c>.../repositories/&lt;name&gt;/_layers</c>: the blob links of the repository.</summary>
    public static string LayersRoot(string repository) => $"{Repository(repository)}/_layers";

    /// <summary><c>.../_layers/&lt;alg&gt;/&lt;hex&gt;/link</c>: holds the digest; the repository may serve the blob.</summary>
    public static string LayerLink(string repository, Digest digest) =>
        $"{LayersRoot(repository)}/{CheckDigest(digest).Algorithm}/{digest.Hex}/{LinkFile}";

    /// <summary><c>.../repositories/&lt;name&gt;/_manifests/revisions</c>: the manifest links of the repository.</summary>
    public static string ManifestRevisionsRoot(string repository) => $"{Repository(repository)}/_manifests/revisions";

    /// <summary><c>.../_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link</c>: holds the digest of a manifest of the repository.</summary>
    public static string ManifestRevisionLink(string repository, Digest digest) =>
        $"{ManifestRevisionsRoot(repository)}/{CheckDigest(digest).Algorithm}/{digest.Hex}/{LinkFile}";

    /// <summary><c>.../repositories/&lt;name&gt;/_manifests/tags</c>: one directory per tag.</summary>
    public static string TagsRoot(string repository) => $"{Repository(repository)}/_manifests/tags";

    /// <summary><c>.../_manifests/tags/&lt;tag&gt;</c>: everything of one tag.</summary>
    public static string TagDirectory(string repository, string tag) => $"{TagsRoot(repository)}/{CheckTag(tag)}";

    /// <summary><c>.../_manifests/tags/&lt;tag&gt;/current/link</c>: holds the digest the tag points at.</summary>
    public static string TagCurrentLink(string repository, string tag) => $"{TagDirectory(repository, tag)}/current/{LinkFile}";

    /// <summary><c>.../_manifests/tags/&lt;tag&gt;/index/&lt;alg&gt;/&lt;hex&gt;/link</c>: a digest the tag has pointed at.</summary>
    public static string TagIndexLink(string repository, string tag, Digest digest) =>
        $"{TagDirectory(repository, tag)}/index/{CheckDigest(digest).Algorithm}/{digest.Hex}/{LinkFile}";

    private static Digest CheckDigest(Digest digest) =>
        // default(Digest) has null parts; every parsed or computed digest has both.
        digest.Algorithm is null || digest.Hex is null
            ? throw new ArgumentException("the digest is uninitialized", nameof(digest))
            : digest;

    private static string CheckRepository(string repository) =>
        RepositoryName.IsValid(repository)
            ? repository
            : throw new ArgumentException($"invalid repository name '{repository}'", nameof(repository));

    private static string CheckTag(string tag) =>
        Tag.IsValid(tag) ? tag : throw new ArgumentException($"invalid tag '{tag}'", nameof(tag));

    private static string CheckAlgorithm(string algorithm) =>
        algorithm is Digest.Sha256 or Digest.Sha512
            ? algorithm
            : throw new ArgumentException($"unsupported digest algorithm '{algorithm}'", nameof(algorithm));

    // Upload ids are ours (the upload handler mints them) but arrive back in request URLs, so anything that
    // is not a single plain path component is refused before it can name another directory.
    private static string CheckUploadId(string id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 128 && id is not ("." or "..") && id.All(IsUploadIdChar)
            ? id
            : throw new ArgumentException("invalid upload id", nameof(id));

    private static bool IsUploadIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
