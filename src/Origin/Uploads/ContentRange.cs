using System.Globalization;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Origin.Uploads;

/// <summary>
/// The <c>Content-Range</c> of a chunk PATCH, <c>&lt;start&gt;-&lt;end&gt;</c> inclusive (OCI Distribution Spec
/// v1.1, "Pushing a blob in chunks"); distribution also accepts the RFC form <c>bytes start-end/*</c>.
/// </summary>
internal readonly record struct ContentRange(long Start, long End)
{
    public long Length => End - Start + 1;

    /// <summary>Null when the header is absent; 416 BLOB_UPLOAD_INVALID when it is malformed.</summary>
    public static ContentRange? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var span = header.AsSpan().Trim();
        if (span.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            span = span[6..].Trim();
        }

        var slash = span.IndexOf('/');
        if (slash >= 0)
        {
            span = span[..slash];
        }

        var dash = span.IndexOf('-');
        if (dash <= 0
            || !long.TryParse(span[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(span[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            || end < start)
        {
            throw new RegistryException(ErrorCode.RangeInvalid, "invalid Content-Range", new { contentRange = header.Length > 100 ? header[..100] : header });
        }

        return new ContentRange(start, end);
    }
}
