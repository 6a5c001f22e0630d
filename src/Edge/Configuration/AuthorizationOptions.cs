namespace EdgeRegistry.Edge.Configuration;

/// <summary>How long the origin's answer to "may this credential read this digest here" is reused.</summary>
public sealed record AuthorizationOptions
{
    /// <summary>Lifetime of a cached answer; access removed at the origin ends at the edge within this time.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(30);
}
