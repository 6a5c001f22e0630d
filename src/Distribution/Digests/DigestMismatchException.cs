using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Digests;

/// <summary>
/// The bytes read did not hash to the expected digest, or their count differed from the expected length.
/// An <see cref="IOException"/> so that stream consumers (copiers, HTTP servers, proxies) treat it as a
/// failed read and abort rather than completing a response or committing a file.
/// </summary>
public sealed class DigestMismatchException : IOException
{
    public DigestMismatchException(Digest expected, Digest? actual, long? expectedLength, long actualLength)
        : base(BuildMessage(expected, actual, expectedLength, actualLength))
    {
        Expected = expected;
        Actual = actual;
        ExpectedLength = expectedLength;
        ActualLength = actualLength;
    }

    public Digest Expected { get; }

    /// <summary>The digest of what was read; null when reading stopped early because the length was exceeded.</summary>
    public Digest? Actual { get; }

    public long? ExpectedLength { get; }

    /// <summary>Bytes read before the mismatch was detected.</summary>
    public long ActualLength { get; }

    /// <summary>True when the failure is a length mismatch (the digest cannot match either then).</summary>
    public bool IsLengthMismatch => ExpectedLength is { } expected && expected != ActualLength;

    /// <summary>The protocol error for this failure: SIZE_INVALID for a length mismatch, otherwise DIGEST_INVALID.</summary>
    public RegistryException ToRegistryException() =>
        new(
            IsLengthMismatch ? ErrorCode.SizeInvalid : ErrorCode.DigestInvalid,
            Message,
            new { expected = Expected.ToString(), actual = Actual?.ToString(), expectedLength = ExpectedLength, actualLength = ActualLength });

    private static string BuildMessage(Digest expected, Digest? actual, long? expectedLength, long actualLength)
    {
        if (expectedLength is { } length && length != actualLength)
        {
            return actual is null
                ? $"content of {expected} is longer than the expected {length} bytes"
                : $"content of {expected} has {actualLength} bytes, expected {length}";
        }

        return $"content digest {actual} does not match the expected {expected}";
    }
}
