using System.Globalization;

namespace EdgeRegistry.Origin.Blobs;

/// <summary>One satisfiable byte range of a representation of known length (RFC 9110 §14.1.2).</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Reads a <c>Range</c> header against a length. Returns <see cref="RangeOutcome.Full"/> when the header is
    /// absent, not a single <c>bytes=</c> range, or malformed (RFC 9110 says to ignore what cannot be parsed);
    /// <see cref="RangeOutcome.Unsatisfiable"/> when it parses but lies outside the representation.
    /// </summary>
    public static RangeOutcome Parse(string? header, long length, out ByteRange range)
    {
        range = new ByteRange(0, length);
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return RangeOutcome.Full;
        }

        var spec = header.AsSpan(6).Trim();
        if (spec.Contains(','))
        {
            // Several ranges would need multipart/byteranges; a full 200 is an allowed answer.
            return RangeOutcome.Full;
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return RangeOutcome.Full;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return RangeOutcome.Full;
            }

            if (suffix == 0 || length == 0)
            {
                return RangeOutcome.Unsatisfiable;
            }

            var take = Math.Min(suffix, length);
            range = new ByteRange(length - take, take);
            return RangeOutcome.Partial;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return RangeOutcome.Full;
        }

        long end = length - 1;
        if (!last.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return RangeOutcome.Full;
            }
        }

        if (start >= length)
        {
            return RangeOutcome.Unsatisfiable;
        }

        end = Math.Min(end, length - 1);
        range = new ByteRange(start, end - start + 1);
        return RangeOutcome.Partial;
    }
}
