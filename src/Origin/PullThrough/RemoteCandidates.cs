using System.Collections.Concurrent;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// What pull-through needs to know of a repository, cached for <see cref="PullThroughSettings.CacheTtl"/> (the seed's
/// <c>blobrepositorycachettl</c>: how long associations between blobs and repositories are kept): which blobs it may
/// serve from a remote (with their sizes), and the remote candidates of its image stream status in the order they are
/// tried. Only what exists is cached: a blob not (yet) imported is looked up again on the next request.
/// </summary>
internal sealed class RemoteCandidates(IMetadataStore metadata, RemoteRegistryClientFactory remotes, PullThroughSettings settings, TimeProvider timeProvider)
{
    // Beyond this many entries a cache is emptied rather than grown: the store answers in microseconds anyway.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Repository, Digest Digest), (DateTimeOffset Expires, long Size)> sizes = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<RemoteCandidate> Candidates)> candidates = new(StringComparer.Ordinal);

    /// <summary>The size of a blob <paramref name="repository"/> may serve from a remote (-1: not stated), or null.</summary>
    public async Task<long?> GetRemoteBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (sizes.TryGetValue((repository, digest), out var cached) && cached.Expires > now)
        {
            return cached.Size;
        }

        var size = await metadata.GetRemoteBlobSizeAsync(repository, digest, cancellationToken);
        if (size is { } found && settings.CacheTtl > TimeSpan.Zero)
        {
            Bound(sizes);
            sizes[(repository, digest)] = (now + settings.CacheTtl, found);
        }

        return size;
    }

    /// <summary>
    /// The remote repositories the image stream status of <paramref name="repository"/> names, without duplicates, in
    /// the order they are tried: the newest item of each tag first (tags in ordinal order), then older items; secure
    /// registries before insecure ones.
    /// </summary>
    public async Task<IReadOnlyList<RemoteCandidate>> GetAsync(string repository, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (candidates.TryGetValue(repository, out var cached) && cached.Expires > now)
        {
            return cached.Candidates;
        }

        var entries = await metadata.ListRemoteTagHistoryAsync(repository, cancellationToken);
        var ordered = entries
            .Select((entry, index) => (entry, index))
            .GroupBy(e => e.entry.Tag, StringComparer.Ordinal)
            .SelectMany(tag => tag.Select((e, age) => (e.entry, age, e.index)))
            .OrderBy(e => e.age)
            .ThenBy(e => e.index)
            .Select(e => Parse(e.entry.DockerImageReference!))
            .OfType<RemoteCandidate>()
            .DistinctBy(c => (c.Registry, c.Repository))
            .OrderBy(c => c.IsInsecure)
            .ToList();
        if (ordered.Count > 0 && settings.CacheTtl > TimeSpan.Zero)
        {
            Bound(candidates);
            candidates[repository] = (now + settings.CacheTtl, ordered);
        }

        return ordered;
    }

    /// <summary>Forgets what is cached of <paramref name="repository"/> (after its candidates failed: an import may have changed them).</summary>
    public void Invalidate(string repository) => candidates.TryRemove(repository, out _);

    private RemoteCandidate? Parse(string reference)
    {
        if (!ImageReference.TryParse(reference, out var image))
        {
            return null;
        }

        bool insecure;
        try
        {
            insecure = remotes.GetClient(image.Registry).IsInsecure;
        }
        catch (Exception exception) when (exception is RegistryException or ArgumentException or InvalidDataException)
        {
            // Off the allowlist, or unusable: kept, so that trying it answers why (DENIED naming the registry...).
            insecure = false;
        }

        return new RemoteCandidate(image.Registry, image.Repository, insecure);
    }

    private static void Bound<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache)
        where TKey : notnull
    {
        if (cache.Count >= MaxEntries)
        {
            cache.Clear();
        }
    }
}
