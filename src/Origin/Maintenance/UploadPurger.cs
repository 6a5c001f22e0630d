using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.Filesystem;
using EdgeRegistry.Origin.Uploads;

namespace EdgeRegistry.Origin.Maintenance;

/// <summary>
/// Upload purging (<c>storage.maintenance.uploadpurging</c>): every <c>interval</c>, sessions started more
/// than <c>age</c> ago are removed with their bytes; with <c>dryrun</c> they are only logged. The first
/// pass runs at start-up, as distribution does, so a crash's leftovers go soon.
/// </summary>
internal sealed partial class UploadPurger(
    UploadPurgingOptions options,
    IMetadataStore metadata,
    UploadService uploads,
    TimeProvider timeProvider,
    ILogger<UploadPurger> logger,
    IStorageDriver? storage = null) : BackgroundService
{
    /// <summary>One pass; returns how many sessions were (or, in a dry run, would have been) purged.</summary>
    public async Task<int> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Age;
        var stale = await metadata.ListUploadsStartedBeforeAsync(cutoff, cancellationToken);
        foreach (var session in stale)
        {
            if (options.DryRun)
            {
                Log.WouldPurge(logger, session.Repository, session.Id, session.Started);
                continue;
            }

            await uploads.DiscardAsync(session.Repository, session.Id, cancellationToken);
            RegistryMetrics.UploadsPurged.Inc();
            Log.Purged(logger, session.Repository, session.Id, session.Started);
        }

        if (!options.DryRun && storage is FilesystemStorageDriver filesystem)
        {
            // Upload trees a crash left renamed away but not yet removed (hidden, yet holding disk space).
            var swept = filesystem.SweepTemporaries(StoragePaths.RepositoriesRoot, cutoff, cancellationToken);
            if (swept > 0)
            {
                Log.Swept(logger, swept);
            }
        }

        return stale.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval, timeProvider);
        try
        {
            await RunAsync(timer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down (or start-up failed): not a failure of purging.
        }
    }

    private async Task RunAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await PurgeOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Purging is housekeeping: a failed pass is logged and the next one tries again.
                Log.PassFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Purged upload {Upload} of {Repository} started at {Started}")]
        public static partial void Purged(ILogger logger, string repository, string upload, DateTimeOffset started);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Dry run: would purge upload {Upload} of {Repository} started at {Started}")]
        public static partial void WouldPurge(ILogger logger, string repository, string upload, DateTimeOffset started);

        [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Removed {Count} temporary files and trees left by an interrupted operation")]
        public static partial void Swept(ILogger logger, int count);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Upload purging pass failed")]
        public static partial void PassFailed(ILogger logger, Exception exception);
    }
}
