namespace EdgeRegistry.Edge.Configuration;

/// <summary>Manifest caching and tag lookups.</summary>
public sealed record ManifestOptions
{
    /// <summary>Oldest last answer for a tag that is served when the origin cannot be reached.</summary>
    public TimeSpan StaleIfError { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Largest manifest, in bytes, that is cached; larger ones are passed through.</summary>
    public long MaxSize { get; init; } = 4 * 1024 * 1024;
}
