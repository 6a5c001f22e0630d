using EdgeRegistry.Distribution.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>
/// Forwards a request to the origin with YARP, streaming both bodies. When the origin cannot be
/// reached and nothing was sent yet, the client gets the OCI error body (UNAVAILABLE) with YARP's status.
/// </summary>
internal sealed partial class OriginForwarder(
    IHttpForwarder forwarder, OriginClient origin, LocationRewritingTransformer transformer, ILogger<OriginForwarder> logger)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromMinutes(2),
        AllowResponseBuffering = false,
        Version = System.Net.HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
    };

    private readonly string destination = origin.Origin.GetLeftPart(UriPartial.Authority) + "/";

    public async Task ForwardAsync(HttpContext context)
    {
        var error = await forwarder.SendAsync(context, destination, origin.Forwarding, RequestConfig, transformer, context.RequestAborted);
        if (error == ForwarderError.None)
        {
            return;
        }

        var feature = context.Features.Get<IForwarderErrorFeature>();
        Log.ForwardFailed(logger, context.Request.Method, context.Request.Path, error, feature?.Exception?.Message);
        if (!context.Response.HasStarted && context.Response.StatusCode >= 500 && context.Request.Method != HttpMethods.Head)
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(
                ErrorBody.Serialize(ErrorCode.Unavailable.Code, "the origin registry cannot be reached"), context.RequestAborted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Forwarding {Method} {Path} to the origin failed: {Error} {Reason}")]
        public static partial void ForwardFailed(ILogger logger, string method, string path, ForwarderError error, string? reason);
    }
}
