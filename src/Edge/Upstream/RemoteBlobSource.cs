using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Edge.Cache;

namespace EdgeRegistry.Edge.Upstream;

/// <summary>
/// Remote repositories as a fill's source, tried in order until one has the blob: each answer streams through the
/// remote client's digest-verifying stream (so the fill publishes only verified bytes). When none has it, the
/// <c>fallback</c> is asked (the origin, for pull-through); without one, the most telling failure is the refusal
/// (DENIED for a registry off the allowlist, UNAVAILABLE naming the registry, BLOB_UNKNOWN).
/// </summary>
internal sealed partial class RemoteBlobSource(
    RemoteRegistryClientFactory remotes, UpstreamMetrics metrics, IReadOnlyList<RemoteRepository> candidates, BlobSource? fallback, ILogger logger) : BlobSource
{
    public override string Description =>
        string.Join(", ", candidates) + (fallback is null ? "" : $", then {fallback.Description}");

    public override async Task<BlobSourceAnswer> OpenAsync(Digest digest, CancellationToken cancellationToken)
    {
        RegistryException? failure = null;
        foreach (var candidate in candidates)
        {
            try
            {
                var client = remotes.GetClient(candidate.Registry);
                var blob = await client.OpenBlobAsync(candidate.Repository, digest, offset: null, cancellationToken);
                metrics.Requests.WithLabels(client.Registry, "blob", "ok").Inc();
                if (fallback is not null)
                {
                    metrics.PullThroughFills.WithLabels("remote").Inc();
                }

                return BlobSourceAnswer.Streaming(blob.Content, blob.Length, blob.IsVerified, metrics.FetchedBytes.WithLabels(client.Registry), blob);
            }
            catch (RegistryException ex)
            {
                metrics.Requests.WithLabels(candidate.Registry, "blob", UpstreamFailure.Label(ex)).Inc();
                Log.CandidateFailed(logger, candidate.ToString(), digest.ToString(), ex.Message);
                failure = UpstreamFailure.MoreTelling(failure, ex);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException)
            {
                // A registry the options cannot serve (a plain-http alias not listed as insecure...): like a refusal.
                Log.CandidateFailed(logger, candidate.ToString(), digest.ToString(), ex.Message);
                failure = UpstreamFailure.MoreTelling(failure, new RegistryException(ErrorCode.Denied, $"registry {candidate.Registry} cannot be used: {ex.Message}", new { registry = candidate.Registry }));
            }
        }

        if (fallback is not null)
        {
            metrics.PullThroughFills.WithLabels("origin").Inc();
            return await fallback.OpenAsync(digest, cancellationToken);
        }

        return BlobSourceAnswer.Refused(UpstreamFailure.ToFillStart(
            failure ?? new RegistryException(ErrorCode.BlobUnknown, $"blob {digest} is not known upstream", new { digest = digest.ToString() })));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4600, Level = LogLevel.Information, Message = "Blob {Digest} not fetched from {Candidate}: {Reason}")]
        public static partial void CandidateFailed(ILogger logger, string candidate, string digest, string reason);
    }
}
