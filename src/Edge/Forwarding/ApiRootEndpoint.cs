using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>
/// <c>/v2/</c>, the version check and login probe every client starts with. Asked of the origin
/// with the client's headers. When the origin cannot be reached, clients must still get past it to
/// pull what is cached: a client without credentials gets the origin's last challenge (so it logs in
/// the same way), a client with credentials gets 200. That grants nothing: every cached blob and
/// manifest still needs an authorization answer of the origin inside its TTL.
/// </summary>
internal sealed partial class ApiRootEndpoint(OriginClient origin, ILogger<ApiRootEndpoint> logger)
{
    private string? lastChallenge;

    public async Task HandleAsync(HttpContext context)
    {
        var token = context.RequestAborted;
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), origin.Url("/v2/"));
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        }

        try
        {
            using var response = await origin.Direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if ((int)response.StatusCode < 500)
            {
                if (response.Headers.WwwAuthenticate.ToString() is { Length: > 0 } challenge)
                {
                    lastChallenge = challenge;
                }

                await OriginResponseRelay.CopyAsync(response, context, origin.Origin, token);
                return;
            }
        }
        catch (Exception ex) when (OriginClient.IsUnavailable(ex, token))
        {
            Log.OriginUnavailable(logger, ex.GetType().Name);
        }

        var reply = context.Response;
        reply.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        reply.Headers[HeaderNames.Warning] = "110 - \"Response is Stale\"";
        reply.ContentType = "application/json";
        if (context.Request.Headers.Authorization.Count == 0 && lastChallenge is { } last)
        {
            reply.StatusCode = StatusCodes.Status401Unauthorized;
            reply.Headers.WWWAuthenticate = last;
            await reply.WriteAsync("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}", token);
            return;
        }

        reply.StatusCode = StatusCodes.Status200OK;
        await reply.WriteAsync("{}", token);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Origin unavailable for /v2/ ({Reason}); answering from the edge")]
        public static partial void OriginUnavailable(ILogger logger, string reason);
    }
}
