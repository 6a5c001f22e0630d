namespace EdgeRegistry.Edge.Configuration;

/// <summary>The origin registry the edge forwards to, and the resilience towards it.</summary>
public sealed record OriginOptions
{
    /// <summary>Base URL of the origin (http or https, no path); required.</summary>
    public Uri? Url { get; init; }

    /// <summary>Time allowed for one attempt of an idempotent request to get its response headers.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of an idempotent request (GET, HEAD) after a connection failure, timeout or 502/503/504.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>How long the circuit towards the origin stays open once it has broken.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);
}
