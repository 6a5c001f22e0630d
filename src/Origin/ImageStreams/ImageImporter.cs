using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// Imports images from remote registries into image streams (<c>oc import-image</c>, <c>oc tag docker.io/...</c>): the
/// manifest, and every child manifest of an index (all platforms), is fetched and stored; the blobs they reference
/// are recorded as remote-backed, their bytes left at the remote until pull-through fetches them; the tag then points
/// at the image with a history entry whose <c>dockerImageReference</c> is the image at the remote, which makes that
/// remote a pull-through candidate of the stream. The upstream allowlist applies (DENIED naming the registry).
/// </summary>
internal sealed partial class ImageImporter(IMetadataStore metadata, RemoteRegistryClientFactory remotes, ILogger<ImageImporter> logger)
{
    /// <summary>The most tags one repository import takes (<c>oc import-image --all</c> has a limit too).</summary>
    public const int MaxTags = 500;

    // An index of indexes of ... is legal but never deep: this bounds a malicious or corrupt chain.
    private const int MaxIndexDepth = 8;

    // The most child manifests one import stores: an index listing more is refused rather than fetched for minutes.
    private const int MaxManifests = 1000;

    /// <summary>
    /// Imports <paramref name="source"/> (its tag, or digest, or <c>latest</c>) as <paramref name="tag"/> of the image
    /// stream <paramref name="destination"/> (created if new). Throws <see cref="RegistryException"/>: DENIED for a
    /// registry off the allowlist or that refuses us, UNAUTHORIZED when its credentials are missing or wrong,
    /// MANIFEST_UNKNOWN or NAME_UNKNOWN when it lacks the image, UNAVAILABLE when it cannot be reached (also for a
    /// TLS failure: an insecure registry not listed as insecure), MANIFEST_INVALID for a manifest that does not parse.
    /// </summary>
    public async Task<ImportedImage> ImportAsync(ImageReference source, string destination, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var client = remotes.GetClient(source.Registry);
        var top = await client.GetManifestAsync(source.Repository, source.Reference, null, cancellationToken);
        var blobs = new Dictionary<Digest, long>();
        var children = new List<ManifestRecord>();
        var record = await CollectAsync(client, source.Repository, top, blobs, children, 0, cancellationToken);

        // Blobs first, then children, then the tagged image: a reader never finds a manifest whose references are missing.
        await metadata.LinkRemoteBlobsAsync(destination, blobs.Select(b => new RemoteBlobRecord(b.Key, b.Value)).ToList(), cancellationToken);
        foreach (var child in children)
        {
            await metadata.PutManifestAsync(destination, child, tag: null, cancellationToken);
        }

        var reference = $"{client.Registry}/{source.Repository}@{top.Digest}";
        await metadata.PutManifestAsync(destination, record, tag, reference, cancellationToken);
        Log.Imported(logger, reference, destination, tag, children.Count + 1, blobs.Count);
        return new ImportedImage(tag, top.Digest, top.MediaType, reference, children.Count + 1, blobs.Count);
    }

    /// <summary>
    /// The tags of the remote repository <paramref name="source"/> (at most <see cref="MaxTags"/>), for importing them
    /// all. Errors as <see cref="ImportAsync"/>, NAME_UNKNOWN for a repository the registry does not have.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return await remotes.GetClient(source.Registry).ListTagsAsync(source.Repository, MaxTags, cancellationToken);
    }

    /// <summary>
    /// Parses and checks <paramref name="manifest"/>, fetching the children of an index (recursively, children before
    /// their parent in <paramref name="children"/>) and adding every blob with its size to <paramref name="blobs"/>.
    /// Returns the manifest as a record ready to be stored.
    /// </summary>
    private async Task<ManifestRecord> CollectAsync(
        RemoteRegistryClient client,
        string repository,
        RemoteManifest manifest,
        Dictionary<Digest, long> blobs,
        List<ManifestRecord> children,
        int depth,
        CancellationToken cancellationToken)
    {
        var parsed = ManifestParser.Parse(manifest.Payload, manifest.MediaType);
        foreach (var blob in parsed.Blobs)
        {
            blobs.TryAdd(blob.Digest, blob.Size < 0 ? RemoteBlobRecord.UnknownSize : blob.Size);
        }

        var childDigests = parsed.Manifests.Select(d => d.Digest).Distinct().ToList();
        if (childDigests.Count > 0 && (depth >= MaxIndexDepth || children.Count + childDigests.Count > MaxManifests))
        {
            throw new RegistryException(
                ErrorCode.ManifestInvalid,
                $"the index {manifest.Digest} at registry {client.Registry} nests too deep or lists too many manifests",
                new { digest = manifest.Digest.ToString(), limit = MaxManifests });
        }

        foreach (var child in childDigests)
        {
            var fetched = await client.GetManifestAsync(repository, new Reference(null, child), null, cancellationToken);
            children.Add(await CollectAsync(client, repository, fetched, blobs, children, depth + 1, cancellationToken));
        }

        return new ManifestRecord(
            manifest.Digest,
            parsed.MediaType,
            manifest.Payload,
            parsed.Subject?.Digest,
            parsed.ArtifactType,
            parsed.Annotations,
            parsed.Blobs.Select(d => d.Digest).Distinct().ToList(),
            childDigests,
            DateTimeOffset.UnixEpoch);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1510, Level = LogLevel.Information, Message = "Imported {Reference} into {Destination}:{Tag} ({Manifests} manifests, {Blobs} blobs at the remote)")]
        public static partial void Imported(ILogger logger, string reference, string destination, string tag, int manifests, int blobs);
    }
}
