namespace EdgeRegistry.Edge.Configuration;

/// <summary>
/// Pull-through at the edge: a cache miss of a repository whose image stream status names remote images is filled
/// from the remote registry (after the origin authorized the client), sparing the origin's bandwidth.
/// </summary>
public sealed record PullThroughOptions
{
    /// <summary>Ask the origin for image stream status on cache misses and fetch from the remotes it names.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long a repository's image stream status (its remote candidates, or that it has none) is reused.</summary>
    public TimeSpan StatusTtl { get; init; } = TimeSpan.FromMinutes(1);
}
