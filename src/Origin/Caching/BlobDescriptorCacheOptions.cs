namespace EdgeRegistry.Origin.Caching;

/// <summary>Limits of the blob descriptor caches (not in <c>config.yml</c>; registry:2 has no such keys).</summary>
internal sealed record BlobDescriptorCacheOptions
{
    /// <summary>
    /// How long an entry lives. Links removed behind the cache's back (by another tool on the store) are
    /// served from it at most this long.
    /// </summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Entries the in-memory cache holds at most; the least recently used go first.</summary>
    public int InMemoryCapacity { get; init; } = 100_000;
}
