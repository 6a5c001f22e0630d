using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// The origin as a fill's source: a GET of the blob in <c>repository</c> with the Authorization header of the client
/// that started the fill, so the origin's answer is also its authorization. A refusal (401 with the challenge, 403,
/// 404) is kept to be passed back unchanged; an origin that cannot be reached is <see cref="FillStart.Unreachable"/>.
/// </summary>
internal sealed partial class OriginBlobSource(OriginClient origin, EdgeMetrics metrics, string repository, string authorization, ILogger logger) : BlobSource
{
    private const int MaxRefusalBody = 64 * 1024;

    public override string Description => $"the origin ({repository})";

    public override async Task<BlobSourceAnswer> OpenAsync(Digest digest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url($"/v2/{repository}/blobs/{digest}"));
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        }

        HttpResponseMessage response;
        try
        {
            response = await origin.Fetching.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (OriginClient.IsUnavailable(ex, CancellationToken.None))
        {
            Log.OriginUnavailable(logger, repository, digest.ToString(), ex.Message);
            return BlobSourceAnswer.Refused(FillStart.Unreachable);
        }

        try
        {
            if (!response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.PartialContent)
            {
                using (response)
                {
                    return BlobSourceAnswer.Refused(await RefusalAsync(response, cancellationToken));
                }
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return BlobSourceAnswer.Streaming(body, response.Content.Headers.ContentLength, verifiesDigest: false, metrics.BytesFromOrigin, response);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            response.Dispose();
            Log.OriginUnavailable(logger, repository, digest.ToString(), ex.Message);
            return BlobSourceAnswer.Refused(FillStart.Unreachable);
        }
    }

    private static async Task<FillStart> RefusalAsync(HttpResponseMessage response, CancellationToken token)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Transfer-Encoding" or "Connection" or "Content-Length" or "Keep-Alive"))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))
            .ToArray();
        await using var body = await response.Content.ReadAsStreamAsync(token);
        var buffer = new byte[MaxRefusalBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), token)) > 0)
        {
            total += read;
        }

        return new FillStart(false, response.StatusCode, headers, buffer[..total]);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4322, Level = LogLevel.Warning, Message = "Origin unavailable for the fill of {Repository}@{Digest}: {Reason}")]
        public static partial void OriginUnavailable(ILogger logger, string repository, string digest, string reason);
    }
}
