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

    /// <summary>Reads a small JSON request body (at most 64 KiB); null when it is empty or not the expected shape.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context, CancellationToken cancellationToken)
        where T : class
    {
        if (context.Request.ContentLength is > 64 * 1024)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
