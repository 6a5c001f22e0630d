using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Observability;

namespace EdgeRegistry.Edge.Manifests;

/// <summary>
/// Manifests by digest, which never change: one file each under <c>manifests/</c> of the cache
/// directory holding the media type on its first line and the manifest bytes after it. They share
/// the blob cache's index, size limit and eviction.
/// </summary>
internal sealed class ManifestCache(CacheIndex index, CacheEvictor evictor, EdgeMetrics metrics)
{
    /// <summary>The manifest of <paramref name="digest"/>, or null when it is not cached.</summary>
    public Task<CachedManifest?> TryGetAsync(Digest digest, CancellationToken cancellationToken) => TryGetAsync(digest, CacheSpace.Origin, cancellationToken);

    /// <summary>The manifest of <paramref name="digest"/> in <paramref name="space"/>, or null when it is not cached.</summary>
    public async Task<CachedManifest?> TryGetAsync(Digest digest, CacheSpace space, CancellationToken cancellationToken)
    {
        if (!index.TryLease(CacheIndex.ManifestKey(digest, space), out var lease))
        {
            return null;
        }

        using (lease)
        {
            var content = await File.ReadAllBytesAsync(lease.Path, cancellationToken);
            var newline = Array.IndexOf(content, (byte)'\n');
            return newline < 0 ? null : new CachedManifest(digest, Encoding.UTF8.GetString(content, 0, newline), content[(newline + 1)..]);
        }
    }

    public bool Contains(Digest digest) => index.Contains(CacheIndex.ManifestKey(digest));

    /// <summary>Stores a manifest whose bytes the caller has verified against <paramref name="digest"/>.</summary>
    public Task StoreAsync(Digest digest, string mediaType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        StoreAsync(digest, mediaType, payload, CacheSpace.Origin, cancellationToken);

    /// <summary>Stores a manifest whose bytes the caller has verified against <paramref name="digest"/>, in <paramref name="space"/>.</summary>
    public async Task StoreAsync(Digest digest, string mediaType, ReadOnlyMemory<byte> payload, CacheSpace space, CancellationToken cancellationToken)
    {
        var key = CacheIndex.ManifestKey(digest, space);
        if (index.Contains(key))
        {
            return;
        }

        var temp = index.NewTempPath();
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(mediaType + "\n"), cancellationToken);
            await file.WriteAsync(payload, cancellationToken);
        }

        var length = new FileInfo(temp).Length;
        index.Commit(key, temp, length, leases: 0);
        if (space == CacheSpace.Origin)
        {
            metrics.BytesFromOrigin.Inc(payload.Length);
        }

        evictor.EvictIfNeeded();
    }
}
