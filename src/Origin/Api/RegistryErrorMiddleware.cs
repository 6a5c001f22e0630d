using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// The one place that turns failures into the spec's error body. A <see cref="RegistryException"/> is
/// answered with its catalog entry; an unreachable dependency with 503; a client that went away with
/// nothing; anything else is logged once and answered 500 UNKNOWN without internals.
/// </summary>
internal sealed partial class RegistryErrorMiddleware(RequestDelegate next, ILogger<RegistryErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (RegistryException exception)
        {
            await WriteAsync(context, exception);
        }
        catch (StorageUnavailableException exception)
        {
            Log.StorageUnavailable(logger, exception.Operation, exception);
            await WriteAsync(context, new RegistryException(ErrorCode.Unavailable, "storage is unavailable, retry later"));
        }
        catch (BadHttpRequestException exception)
        {
            // Kestrel's own verdicts: a body shorter than its Content-Length, a body over the limit.
            Log.BadRequest(logger, exception.Message);
            var error = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCode.SizeInvalid : ErrorCode.BlobUploadInvalid;
            await WriteAsync(context, new RegistryException(error, exception.Message));
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer, and it is not our failure.
            Log.ClientDisconnected(logger, context.Request.Method, context.Request.Path);
        }
        catch (Exception exception)
        {
            Log.Unexpected(logger, context.Request.Method, context.Request.Path, exception);
            await WriteAsync(context, new RegistryException(ErrorCode.Unknown));
        }
    }

    /// <summary>Writes the error body, unless the response has started (then the connection is aborted so the client sees a failure, not a short success).</summary>
    public static async Task WriteAsync(HttpContext context, RegistryException exception)
    {
        if (context.Response.HasStarted)
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = (int)exception.Error.Status;
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (exception.Error == ErrorCode.Unauthorized && context.Items[RegistryHeaders.ChallengeItem] is string challenge)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
        }

        var body = ErrorBody.Serialize(exception);
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, CancellationToken.None);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unexpected failure of {Method} {Path}")]
        public static partial void Unexpected(ILogger logger, string method, PathString path, Exception exception);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Client went away during {Method} {Path}")]
        public static partial void ClientDisconnected(ILogger logger, string method, PathString path);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Storage unavailable during {Operation}")]
        public static partial void StorageUnavailable(ILogger logger, string operation, Exception exception);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Bad request: {Reason}")]
        public static partial void BadRequest(ILogger logger, string reason);
    }
}
