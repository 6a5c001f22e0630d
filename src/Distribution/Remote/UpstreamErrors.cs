using System.Buffers;
using System.Net;
using System.Text.Json;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Turns an upstream's failure answer into the protocol error our servers answer with. The upstream's own
/// error code and message, when its body has them, go into the detail, never its body as a whole.
/// </summary>
internal static class UpstreamErrors
{
    // An error body is read only this far: enough for the spec's JSON, too little to matter.
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// The error for a non-success <paramref name="response"/> about <paramref name="what"/> (e.g.
    /// <c>manifest library/busybox:latest</c>): 404 → <paramref name="notFound"/>, 401 → UNAUTHORIZED,
    /// 403 → DENIED, 429 → TOOMANYREQUESTS, 416 → the range error, 408 and 5xx → UNAVAILABLE, anything else → UNKNOWN.
    /// </summary>
    public static async Task<RegistryException> FromResponseAsync(
        HttpResponseMessage response,
        string registry,
        ErrorCode notFound,
        string what,
        CancellationToken cancellationToken)
    {
        var (code, message) = await ReadUpstreamErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        var detail = new { registry, upstreamStatus = status, upstreamCode = code, upstreamMessage = message, retryAfterSeconds = retryAfter };
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new RegistryException(notFound, $"{what} is not known to registry {registry}", detail),
            HttpStatusCode.Unauthorized => new RegistryException(ErrorCode.Unauthorized, $"registry {registry} refused to authorize {what}", detail),
            HttpStatusCode.Forbidden => new RegistryException(ErrorCode.Denied, $"registry {registry} denied access to {what}", detail),
            HttpStatusCode.TooManyRequests => new RegistryException(ErrorCode.TooManyRequests, $"registry {registry} is rate limiting requests for {what}", detail),
            HttpStatusCode.RequestedRangeNotSatisfiable => new RegistryException(ErrorCode.RangeInvalid, $"registry {registry} cannot serve the requested range of {what}", detail),
            HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                new RegistryException(ErrorCode.Unavailable, $"registry {registry} is unavailable: it answered {status} for {what}", detail),
            _ => new RegistryException(ErrorCode.Unknown, $"registry {registry} answered {status} for {what}", detail),
        };
    }

    /// <summary>Reads <paramref name="content"/> to its end; throws <see cref="ContentTooLargeException"/> past <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new ContentTooLargeException(maxBytes);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await StreamHashing.CopyAndHashAsync(stream, buffer, maxBytes, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task<(string? Code, string? Message)> ReadUpstreamErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxErrorBodyBytes);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var length = 0;
            while (length < MaxErrorBodyBytes)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length, MaxErrorBodyBytes - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object)
            {
                var first = errors[0];
                return (Text(first, "code"), Text(first, "message"));
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException or InvalidOperationException)
        {
            // An error body that is absent, cut short or not the spec's JSON only loses the detail.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (null, null);
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString();
        return text is { Length: > 300 } ? text[..300] : text;
    }
}
