namespace EdgeRegistry.Distribution.Digests;

/// <summary>
/// A copy read more than its byte limit allowed. Nothing past the limit reached the destination.
/// The caller picks the protocol error (413 for a manifest, SIZE_INVALID for a blob).
/// </summary>
public sealed class ContentTooLargeException(long limit)
    : IOException($"content is larger than the limit of {limit} bytes")
{
    /// <summary>The limit in bytes that was exceeded.</summary>
    public long Limit { get; } = limit;
}
