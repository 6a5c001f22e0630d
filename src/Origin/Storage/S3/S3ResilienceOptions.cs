namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>
/// How hard the S3 driver tries before it gives up on a call: retries with exponential backoff and jitter on
/// 5xx answers, throttling and connection errors, and a timeout on each attempt. Not part of
/// <c>config.yml</c> (registry:2 has no such keys); the defaults suit AWS and S3-compatible stores alike.
/// </summary>
internal sealed record S3ResilienceOptions
{
    /// <summary>Retries after the first attempt (so at most this plus one attempts).</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>The first retry's median delay; each next one doubles, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No retry waits longer than this.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One attempt's limit, up to the response headers: a part of <c>chunksize</c> bytes must go through in
    /// this time (two minutes carry 10 MiB at under 100 KB/s).
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a blob read that breaks mid-stream is resumed from where it broke.</summary>
    public int MaxReadResumptions { get; init; } = 3;
}
