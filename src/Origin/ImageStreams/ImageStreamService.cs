using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// Image streams over the metadata store: a stream is a repository <c>&lt;project&gt;/&lt;name&gt;</c>; its
/// status tags are the repository's tags with their history. Tagging across streams (<c>oc tag</c>) links the
/// image's blobs, and for an index its child manifests and their blobs, into the destination repository before
/// the tag moves, so the destination serves the image on its own: the fix for the seed's known issue 3.6.3
/// ("not found" when pulling an image re-tagged into another image stream). A tag event of an image imported from
/// a remote registry shows the image's pull spec there as its <c>dockerImageReference</c>, as OpenShift does.
/// </summary>
internal sealed partial class ImageStreamService(IMetadataStore metadata, RegistryHost registryHost, ILogger<ImageStreamService> logger)
{
    private const int PageSize = 1000;

    // An index of indexes of ... is legal but never deep: this bounds a malicious or corrupt chain.
    private const int MaxIndexDepth = 8;

    /// <summary>The project's image streams in ordinal order of name (an indexed range of the catalog).</summary>
    public async Task<IReadOnlyList<ImageStream>> ListAsync(string project, CancellationToken cancellationToken)
    {
        var prefix = project + "/";
        var streams = new List<ImageStream>();
        var last = prefix;
        while (true)
        {
            var page = await metadata.ListRepositoriesAsync(last, PageSize, cancellationToken);
            foreach (var repository in page)
            {
                if (!repository.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return streams;
                }

                streams.Add(await LoadAsync(repository, cancellationToken));
            }

            if (page.Count < PageSize)
            {
                return streams;
            }

            last = page[^1];
        }
    }

    /// <summary>The image stream of <paramref name="repository"/> (<c>project/name</c>), or null when the repository does not exist.</summary>
    public async Task<ImageStream?> GetAsync(string repository, CancellationToken cancellationToken) =>
        await metadata.RepositoryExistsAsync(repository, cancellationToken) ? await LoadAsync(repository, cancellationToken) : null;

    /// <summary>
    /// Points <paramref name="destinationTag"/> of <paramref name="destination"/> (created if new) at the image
    /// <paramref name="source"/> names, after linking everything the image needs into the destination. Returns the
    /// image's digest. NAME_UNKNOWN or MANIFEST_UNKNOWN when the source does not exist; MANIFEST_BLOB_UNKNOWN when
    /// the source repository lacks a blob or child manifest of the image.
    /// </summary>
    public async Task<Digest> TagAsync(ImageStreamReference source, string destination, string destinationTag, CancellationToken cancellationToken)
    {
        var manifest = source.Reference.Digest is { } digest
            ? await metadata.GetManifestAsync(source.Repository, digest, cancellationToken)
            : await metadata.GetManifestByTagAsync(source.Repository, source.Reference.Tag!, cancellationToken);
        if (manifest is null)
        {
            throw await metadata.RepositoryExistsAsync(source.Repository, cancellationToken)
                ? new RegistryException(ErrorCode.ManifestUnknown, $"{source} does not exist", new { reference = source.ToString() })
                : new RegistryException(ErrorCode.NameUnknown, $"{source.Repository} does not exist", new { name = source.Repository });
        }

        var complete = await LinkIntoAsync(source.Repository, manifest, destination, 0, cancellationToken);
        // An image imported from a remote registry keeps its pull spec there: the destination's status then names
        // the same remote, so pull-through serves the destination on its own too.
        var remote = await RemoteReferenceAsync(source, manifest.Digest, cancellationToken);
        await metadata.PutManifestAsync(destination, complete, destinationTag, remote, cancellationToken);
        Log.Tagged(logger, source.ToString(), destination, destinationTag, manifest.Digest.ToString());
        return manifest.Digest;
    }

    /// <summary>
    /// Links the blobs of <paramref name="manifest"/> into <paramref name="destination"/> and stores its child
    /// manifests there (recursively); returns the manifest with its references filled, ready to be put.
    /// </summary>
    private async Task<ManifestRecord> LinkIntoAsync(string source, ManifestRecord manifest, string destination, int depth, CancellationToken cancellationToken)
    {
        var parsed = ManifestParser.Parse(manifest.Payload, manifest.MediaType);
        var blobs = parsed.Blobs.Select(d => d.Digest).Distinct().ToList();
        var children = parsed.Manifests.Select(d => d.Digest).Distinct().ToList();
        if (source == destination)
        {
            return manifest with { Blobs = blobs, Children = children };
        }

        foreach (var blob in blobs)
        {
            if (await metadata.GetLinkedBlobSizeAsync(source, blob, cancellationToken) is { } size)
            {
                await metadata.LinkBlobAsync(destination, blob, size, cancellationToken);
                continue;
            }

            // A blob of an imported image whose bytes are still at the remote: the destination serves it the same way.
            var remoteSize = await metadata.GetRemoteBlobSizeAsync(source, blob, cancellationToken)
                ?? throw new RegistryException(ErrorCode.ManifestBlobUnknown, $"blob {blob} is not in {source}", new { digest = blob.ToString() });
            await metadata.LinkRemoteBlobsAsync(destination, [new RemoteBlobRecord(blob, remoteSize)], cancellationToken);
        }

        foreach (var child in children)
        {
            var childManifest = depth < MaxIndexDepth ? await metadata.GetManifestAsync(source, child, cancellationToken) : null;
            if (childManifest is null)
            {
                throw new RegistryException(ErrorCode.ManifestBlobUnknown, $"manifest {child} is not in {source}", new { digest = child.ToString() });
            }

            var completeChild = await LinkIntoAsync(source, childManifest, destination, depth + 1, cancellationToken);
            await metadata.PutManifestAsync(destination, completeChild, tag: null, cancellationToken);
        }

        return manifest with { Blobs = blobs, Children = children };
    }

    /// <summary>
    /// The remote pull spec the source's status gives the image <paramref name="digest"/>: the source tag's newest
    /// entry for it when the source is a tag, else the newest remote entry of any tag; null for a local image.
    /// </summary>
    private async Task<string?> RemoteReferenceAsync(ImageStreamReference source, Digest digest, CancellationToken cancellationToken)
    {
        var entries = (await metadata.ListRemoteTagHistoryAsync(source.Repository, cancellationToken)).Where(e => e.Digest == digest).ToList();
        return (entries.FirstOrDefault(e => e.Tag == source.Reference.Tag) ?? entries.MaxBy(e => e.Created))?.DockerImageReference;
    }

    /// <summary>Deletes a tag of an image stream (the image and the tag's history stay); MANIFEST_UNKNOWN when there is no such tag.</summary>
    public async Task DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        if (!await metadata.DeleteTagAsync(repository, tag, cancellationToken))
        {
            throw new RegistryException(ErrorCode.ManifestUnknown, $"{repository}:{tag} does not exist", new { reference = tag });
        }
    }

    private async Task<ImageStream> LoadAsync(string repository, CancellationToken cancellationToken)
    {
        var tags = new List<ImageStreamTagStatus>();
        string? last = null;
        while (true)
        {
            var page = await metadata.ListTagsAsync(repository, last, PageSize, cancellationToken);
            foreach (var tag in page)
            {
                var history = await metadata.GetTagHistoryAsync(repository, tag, cancellationToken);
                tags.Add(new ImageStreamTagStatus(
                    tag,
                    history.Select(entry => new TagEvent(
                        entry.Created,
                        entry.DockerImageReference ?? $"{registryHost.Repository(repository)}@{entry.Digest}",
                        entry.Digest.ToString())).ToList()));
            }

            if (page.Count < PageSize)
            {
                break;
            }

            last = page[^1];
        }

        var slash = repository.IndexOf('/');
        return new ImageStream(repository[..slash], repository[(slash + 1)..], registryHost.Repository(repository), tags);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Tagged {Source} into {Destination}:{Tag} ({Digest})")]
        public static partial void Tagged(ILogger logger, string source, string destination, string tag, string digest);
    }
}
