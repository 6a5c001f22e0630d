namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>
/// Keeps <see cref="AwsIpRanges"/> current: loads it once before the server starts (as distribution does,
/// so a client inside AWS gets the S3 URL from the first request on), then every <c>updatefrequency</c>.
/// A failed download keeps the previous ranges and is tried again after <see cref="RetryAfterFailure"/>
/// (or <c>updatefrequency</c>, if that is shorter).
/// </summary>
internal sealed partial class AwsIpRangesUpdater : IHostedService, IDisposable
{
    /// <summary>How soon a failed download is tried again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    private readonly AwsIpRanges ranges;
    private readonly TimeSpan updateFrequency;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private ITimer? timer;
    private Task lastUpdate = Task.CompletedTask;

    public AwsIpRangesUpdater(AwsIpRanges ranges, TimeSpan updateFrequency, TimeProvider timeProvider, ILogger<AwsIpRangesUpdater> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(updateFrequency, TimeSpan.Zero);
        this.ranges = ranges;
        this.updateFrequency = updateFrequency;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>The update the timer started last (completed before the first tick); it never faults.</summary>
    internal Task LastUpdate => Volatile.Read(ref lastUpdate);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        var succeeded = await UpdateOnceAsync(linked.Token);
        cancellationToken.ThrowIfCancellationRequested();
        // A one-shot timer re-armed after each update: downloads never overlap, and the next one is due a
        // full period after the last one ended.
        timer = timeProvider.CreateTimer(_ => Volatile.Write(ref lastUpdate, TickAsync()), null, NextDelay(succeeded), Timeout.InfiniteTimeSpan);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        timer?.Dispose();
        await LastUpdate.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        timer?.Dispose();
        stopping.Dispose();
    }

    private async Task TickAsync()
    {
        var succeeded = await UpdateOnceAsync(stopping.Token);
        if (!stopping.IsCancellationRequested)
        {
            try
            {
                timer?.Change(NextDelay(succeeded), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Stopped between the check and the change.
            }
        }
    }

    private TimeSpan NextDelay(bool succeeded) =>
        succeeded || updateFrequency < RetryAfterFailure ? updateFrequency : RetryAfterFailure;

    private async Task<bool> UpdateOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var count = await ranges.UpdateAsync(cancellationToken);
            Log.Updated(logger, ranges.Url.ToString(), count);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception)
        {
            // Without current ranges every client gets a CloudFront URL: correct, only not the cheapest path.
            Log.UpdateFailed(logger, ranges.Url.ToString(), exception.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1350, Level = LogLevel.Information, Message = "Loaded {Count} AWS IP prefixes from {Url} for the CloudFront middleware's ipfilteredby")]
        public static partial void Updated(ILogger logger, string url, int count);

        [LoggerMessage(EventId = 1351, Level = LogLevel.Warning, Message = "Could not load the AWS IP ranges from {Url} ({Failure}); the previous ranges stay in use")]
        public static partial void UpdateFailed(ILogger logger, string url, string failure);
    }
}
