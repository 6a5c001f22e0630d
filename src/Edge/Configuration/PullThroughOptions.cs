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

    /// <summary>
    /// A file holding an access token of the origin (a user with pull rights in the projects that import images) that
    /// the edge reads image stream status with; null asks with each client's own credentials, which the origin's API
    /// refuses when they are registry tokens of the Bearer flow. Read again on every lookup, so a rotated Secret counts.
    /// </summary>
    public string? TokenFile { get; init; }

    internal IEnumerable<string> Validate()
    {
        if (StatusTtl < TimeSpan.Zero)
        {
            yield return "pullThrough.statusTtl: must not be negative (0 asks the origin on every miss)";
        }

        if (TokenFile is { } file && !File.Exists(file))
        {
            yield return $"pullThrough.tokenFile: file '{file}' does not exist";
        }
    }
}
