using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Maintenance;
using EdgeRegistry.Origin.Metadata.Sqlite;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.Filesystem;
using EdgeRegistry.Origin.Storage.InMemory;
using EdgeRegistry.Origin.Uploads;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Maintenance;

public sealed class UploadPurgerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string directory = Directory.CreateTempSubdirectory("edgeregistry-purge-").FullName;
    private readonly InMemoryStorageDriver storage = new();
    private SqliteMetadataStore metadata = null!;
    private UploadService uploads = null!;

    public async Task InitializeAsync()
    {
        metadata = new SqliteMetadataStore(Path.Combine(directory, "metadata.db"), clock);
        await metadata.InitializeAsync(CancellationToken.None);
        uploads = new UploadService(storage, metadata, clock, NullLogger<UploadService>.Instance);
    }

    public Task DisposeAsync()
    {
        metadata.Dispose();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PurgeOnce_SessionOlderThanAge_RemovesSessionAndBytes()
    {
        var old = await uploads.StartAsync("library/app", CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(100));
        var recent = await uploads.StartAsync("library/app", CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(70));

        var purged = await Purger(dryRun: false).PurgeOnceAsync(CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.Null(await metadata.GetUploadAsync("library/app", old.Id, CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => storage.StatAsync(StoragePaths.UploadData("library/app", old.Id), CancellationToken.None));
        Assert.NotNull(await metadata.GetUploadAsync("library/app", recent.Id, CancellationToken.None));
        Assert.Equal(0, await uploads.GetOffsetAsync("library/app", recent.Id, CancellationToken.None));
    }

    [Fact]
    public async Task PurgeOnce_DryRun_KeepsEverything()
    {
        var old = await uploads.StartAsync("library/app", CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(200));

        var purged = await Purger(dryRun: true).PurgeOnceAsync(CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.NotNull(await metadata.GetUploadAsync("library/app", old.Id, CancellationToken.None));
        Assert.Equal(0, await uploads.GetOffsetAsync("library/app", old.Id, CancellationToken.None));
    }

    [Fact]
    public async Task PurgeOnce_FilesystemWithCrashLeftovers_RemovesOnlyThoseOlderThanAge()
    {
        var root = Path.Combine(directory, "storage");
        var filesystem = new FilesystemStorageDriver(root);
        var filesystemUploads = new UploadService(filesystem, metadata, clock, NullLogger<UploadService>.Instance);
        var live = await filesystemUploads.StartAsync("library/app", CancellationToken.None);
        var uploadsDirectory = Path.Combine(root, "docker", "registry", "v2", "repositories", "library", "app", "_uploads");
        var leftover = Path.Combine(uploadsDirectory, ".tmp-" + Guid.NewGuid().ToString("N"));
        var recent = Path.Combine(uploadsDirectory, ".tmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(leftover);
        await File.WriteAllTextAsync(Path.Combine(leftover, "data"), "renamed away, then the process died");
        Directory.CreateDirectory(recent);
        Directory.SetLastWriteTimeUtc(leftover, clock.GetUtcNow().UtcDateTime.AddHours(-200));
        Directory.SetLastWriteTimeUtc(recent, clock.GetUtcNow().UtcDateTime.AddHours(-1));
        var purger = new UploadPurger(
            new UploadPurgingOptions { Enabled = true, Age = TimeSpan.FromHours(168), Interval = TimeSpan.FromHours(24) },
            metadata,
            filesystemUploads,
            clock,
            NullLogger<UploadPurger>.Instance,
            filesystem);

        await purger.PurgeOnceAsync(CancellationToken.None);

        Assert.False(Directory.Exists(leftover));
        Assert.True(Directory.Exists(recent));
        Assert.Equal(0, await filesystemUploads.GetOffsetAsync("library/app", live.Id, CancellationToken.None));
    }

    private UploadPurger Purger(bool dryRun) => new(
        new UploadPurgingOptions { Enabled = true, Age = TimeSpan.FromHours(168), Interval = TimeSpan.FromHours(24), DryRun = dryRun },
        metadata,
        uploads,
        clock,
        NullLogger<UploadPurger>.Instance);
}
