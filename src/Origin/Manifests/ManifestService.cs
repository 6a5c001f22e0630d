using System.Buffers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Observability;

namespace EdgeRegistry.Origin.Manifests;

/// <summary>
/// Manifest pushes, pulls and deletes (OCI Distribution Spec v1.1, "Pushing manifests"): a manifest is
/// accepted only when it parses, its digest matches a digest reference, and every blob and child manifest it
/// names is already in the repository (a blob of an imported image, served by pull-through, counts).
/// </summary>
internal sealed partial class ManifestService(IMetadataStore metadata, TimeProvider timeProvider, ILogger<ManifestService> logger)
{
    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> from the body (413 beyond), validates and stores the manifest,
    /// tagging it when <paramref name="reference"/> is a tag. Returns the stored record.
    /// </summary>
    public async Task<ManifestRecord> PutAsync(string repository, Reference reference, string? contentType, Stream body, long? contentLength, int maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength > maxBytes)
        {
            throw new RegistryException(ErrorCode.ManifestTooLarge, $"manifest is larger than {maxBytes} bytes", new { limit = maxBytes, size = contentLength });
        }

        // A manifest is small by contract (the size limit above); it is parsed whole, blobs never are.
        var payload = await ReadBoundedAsync(body, maxBytes, cancellationToken);
        var digest = DigestHasher.Compute(payload.Span, reference.Digest?.Algorithm ?? Digest.Sha256);
        if (reference.Digest is { } claimed && claimed != digest)
        {
            throw new RegistryException(ErrorCode.DigestInvalid, "manifest digest does not match the reference", new { expected = claimed.ToString(), actual = digest.ToString() });
        }

        var parsed = ManifestParser.Parse(payload, contentType);
        var blobs = parsed.Blobs.Select(d => d.Digest).Distinct().ToList();
        var children = parsed.Manifests.Select(d => d.Digest).Distinct().ToList();
        await RequireReferencesAsync(repository, blobs, children, cancellationToken);

        var record = new ManifestRecord(
            digest,
            parsed.MediaType,
            payload,
            parsed.Subject?.Digest,
            parsed.ArtifactType,
            parsed.Annotations,
            blobs,
            children,
            timeProvider.GetUtcNow());
        await metadata.PutManifestAsync(repository, record, reference.Tag, cancellationToken);
        RegistryMetrics.ManifestsPushed.Inc();
        Log.ManifestStored(logger, repository, digest.ToString(), reference.Tag);
        return record;
    }

    /// <summary>The manifest by tag or digest; NAME_UNKNOWN or MANIFEST_UNKNOWN when absent.</summary>
    public async Task<ManifestRecord> GetAsync(string repository, Reference reference, CancellationToken cancellationToken)
    {
        var record = reference.Digest is { } digest
            ? await metadata.GetManifestAsync(repository, digest, cancellationToken)
            : await metadata.GetManifestByTagAsync(repository, reference.Tag!, cancellationToken);
        return record ?? throw await UnknownAsync(repository, reference, cancellationToken);
    }

    /// <summary>Deletes a manifest by digest (with its tags) or one tag. MANIFEST_UNKNOWN when absent.</summary>
    public async Task DeleteAsync(string repository, Reference reference, CancellationToken cancellationToken)
    {
        var deleted = reference.Digest is { } digest
            ? await metadata.DeleteManifestAsync(repository, digest, cancellationToken)
            : await metadata.DeleteTagAsync(repository, reference.Tag!, cancellationToken);
        if (!deleted)
        {
            throw await UnknownAsync(repository, reference, cancellationToken);
        }

        Log.ManifestDeleted(logger, repository, reference.ToString());
    }

    private async Task<RegistryException> UnknownAsync(string repository, Reference reference, CancellationToken cancellationToken) =>
        await metadata.RepositoryExistsAsync(repository, cancellationToken)
            ? new RegistryException(ErrorCode.ManifestUnknown, detail: new { reference = reference.ToString() })
            : new RegistryException(ErrorCode.NameUnknown, detail: new { name = repository });

    private async Task RequireReferencesAsync(string repository, List<Digest> blobs, List<Digest> children, CancellationToken cancellationToken)
    {
        foreach (var blob in blobs)
        {
            if (await metadata.GetLinkedBlobSizeAsync(repository, blob, cancellationToken) is null
                && await metadata.GetRemoteBlobSizeAsync(repository, blob, cancellationToken) is null)
            {
                throw new RegistryException(ErrorCode.ManifestBlobUnknown, $"blob {blob} is not in {repository}", new { digest = blob.ToString() });
            }
        }

        foreach (var child in children)
        {
            if (await metadata.GetManifestAsync(repository, child, cancellationToken) is null)
            {
                throw new RegistryException(ErrorCode.ManifestBlobUnknown, $"manifest {child} is not in {repository}", new { digest = child.ToString() });
            }
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new RegistryException(ErrorCode.ManifestTooLarge, $"manifest is larger than {maxBytes} bytes", new { limit = maxBytes });
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Manifest {Digest} stored in {Repository} (tag {Tag})")]
        public static partial void ManifestStored(ILogger logger, string repository, string digest, string? tag);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Manifest {Reference} deleted from {Repository}")]
        public static partial void ManifestDeleted(ILogger logger, string repository, string reference);
    }
}
