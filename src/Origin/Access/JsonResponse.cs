using System.Text.Json;

namespace EdgeRegistry.Origin.Access;

/// <summary>Writes JSON answers of the access and image stream APIs.</summary>
internal static class JsonResponse
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task WriteAsync<T>(HttpContext context, int status, T value, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        // Tokens and account data must not be kept by caches between the client and the origin.
        context.Response.Headers.CacheControl = "no-store";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, Options, cancellationToken);
    }

    /// <summary>Reads a small JSON request body (at most 64 KiB, whatever the Content-Length says); null when it is empty, larger, or not the expected shape.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context, CancellationToken cancellationToken)
        where T : class
    {
        const int Limit = 64 * 1024;
        if (context.Request.ContentLength is > Limit)
        {
            return null;
        }

        // A request body of an API call is small by contract; it is read whole, up to the limit, never beyond.
        var buffer = new byte[Limit + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        if (length == 0 || length > Limit)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
