using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Edge.Cache;

namespace EdgeRegistry.Edge.Upstream;

/// <summary>Turns a remote registry's failure (a <see cref="RegistryException"/> naming the registry) into the edge's answer.</summary>
internal static class UpstreamFailure
{
    private static readonly KeyValuePair<string, string[]>[] Headers =
    [
        KeyValuePair.Create("Content-Type", new[] { "application/json" }),
        KeyValuePair.Create("Docker-Distribution-API-Version", new[] { "registry/2.0" }),
    ];

    /// <summary>The refusal a fill passes back: the error's status and its OCI body.</summary>
    public static FillStart ToFillStart(RegistryException exception) =>
        new(false, exception.Error.Status, Headers, ErrorBody.Serialize(exception));

    /// <summary>The metric label of a result: <c>ok</c>, or the error code in lower case.</summary>
    public static string Label(RegistryException? exception) => exception is null ? "ok" : exception.Error.Code.ToLowerInvariant();

    /// <summary>
    /// Which of two failures tells the client more: anything (DENIED, UNAUTHORIZED, UNAVAILABLE naming a registry)
    /// over "not known there", and the first of equals.
    /// </summary>
    public static RegistryException MoreTelling(RegistryException? current, RegistryException candidate) =>
        current is null || (IsNotFound(current) && !IsNotFound(candidate)) ? candidate : current;

    /// <summary>Writes the error as the OCI body with its status (headers only for HEAD).</summary>
    public static async Task WriteAsync(HttpContext context, RegistryException exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var response = context.Response;
        response.StatusCode = (int)exception.Error.Status;
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        response.ContentType = "application/json";
        await response.Body.WriteAsync(ErrorBody.Serialize(exception), cancellationToken);
    }

    private static bool IsNotFound(RegistryException exception) =>
        exception.Error == ErrorCode.BlobUnknown || exception.Error == ErrorCode.ManifestUnknown || exception.Error == ErrorCode.NameUnknown;
}
