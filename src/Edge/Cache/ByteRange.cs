using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// The precondition state of a blob request reduced to one answer (RFC 9110 §13, §14): the whole body,
/// one range of it, not modified, or not satisfiable. Several ranges are answered with the whole body,
/// which RFC 9110 §14.2 allows.
/// </summary>
internal readonly record struct ByteRange(int Status, long Start, long Count)
{
    public static ByteRange Evaluate(HttpRequest request, long length, string etag)
    {
        if (request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch &&
            (ifNoneMatch.Trim() == "*" || ifNoneMatch.Split(',').Any(tag => tag.Trim() == etag)))
        {
            return new ByteRange(StatusCodes.Status304NotModified, 0, 0);
        }

        var whole = new ByteRange(StatusCodes.Status200OK, 0, length);
        if (!HttpMethods.IsGet(request.Method) ||
            request.Headers.Range.ToString() is not { Length: > 0 } rangeHeader ||
            !RangeHeaderValue.TryParse(rangeHeader, out var range) ||
            !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) ||
            range.Ranges.Count != 1)
        {
            return whole;
        }

        if (request.Headers.IfRange.ToString() is { Length: > 0 } ifRange && ifRange.Trim() != etag)
        {
            return whole;
        }

        var item = range.Ranges.First();
        long start, end;
        if (item.From is { } from)
        {
            start = from;
            end = Math.Min(item.To ?? length - 1, length - 1);
        }
        else
        {
            var suffix = Math.Min(item.To ?? 0, length);
            start = length - suffix;
            end = length - 1;
            if (suffix == 0)
            {
                return new ByteRange(StatusCodes.Status416RangeNotSatisfiable, 0, 0);
            }
        }

        return start >= length || start > end
            ? new ByteRange(StatusCodes.Status416RangeNotSatisfiable, 0, 0)
            : new ByteRange(StatusCodes.Status206PartialContent, start, end - start + 1);
    }
}
