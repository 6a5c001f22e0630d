using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Postgres;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>
/// The conformance suite on PostgreSQL (a database of the test's own on the shared server), and what is PostgreSQL's
/// alone: several origin replicas, each with a store and a connection pool of its own, on one database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMetadataStoreTests(PostgresFixture fixture) : MetadataStoreConformanceTests
{
    private readonly PostgresTestDatabase _database = new(fixture.Server);
    private readonly CancellationToken _ct = CancellationToken.None;

    protected override int LatestSchemaVersion => PostgresMigrations.LatestVersion;

    [Fact]
    public async Task LinkBlobAsync_TwoReplicasCreateTheSameRepositoriesAtOnce_OneRowEachAndEveryLink()
    {
        var replicas = new[] { await OpenAsync(), await OpenAsync() };

        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(
            () => replicas[i % 2].LinkBlobAsync($"team/app-{i / 4}", BlobDigest("layer" + i), i, _ct), _ct)));

        Assert.Equal(16L, await QueryLongAsync("SELECT COUNT(*) FROM repositories"));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"team/app-{i}").Order(StringComparer.Ordinal), await replicas[1].ListRepositoriesAsync(null, 100, _ct));
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(i, await replicas[(i + 1) % 2].GetLinkedBlobSizeAsync($"team/app-{i / 4}", BlobDigest("layer" + i), _ct));
        }
    }

    [Fact]
    public async Task PutManifestAsync_TwoReplicasMoveOneTagAtOnce_EveryMoveInHistoryNewestIsTheTag()
    {
        var replicas = new[] { await OpenAsync(), await OpenAsync() };
        var manifests = Enumerable.Range(0, 40).Select(i => Manifest("m" + i, blobs: [BlobDigest("layer")])).ToList();

        await Task.WhenAll(manifests.Select((m, i) => Task.Run(() => replicas[i % 2].PutManifestAsync("team/app", m, "latest", _ct), _ct)));

        var history = await replicas[0].GetTagHistoryAsync("team/app", "latest", _ct);
        Assert.Equal(manifests.Count, history.Count);
        Assert.Equal(manifests.Select(m => m.Digest).ToHashSet(), history.Select(e => e.Digest).ToHashSet());
        Assert.Equal(history[0].Digest, (await replicas[1].GetManifestByTagAsync("team/app", "latest", _ct))!.Digest);
        Assert.Equal(1L, await QueryLongAsync("SELECT COUNT(*) FROM repositories"));
    }

    [Fact]
    public async Task PingAsync_DatabaseGone_FalseNotAnException()
    {
        var store = await OpenAsync();
        Assert.True(await store.PingAsync(_ct));

        await fixture.Server.DropDatabaseAsync(await _database.NameAsync(), _ct);

        Assert.False(await store.PingAsync(_ct));
    }

    [Fact]
    public async Task InitializeAsync_DatabaseMissing_ThrowsAndStoreStaysUnusable()
    {
        var store = new PostgresMetadataStore($"Host=127.0.0.1;Port={fixture.Server.Port};Database=nonexistent_{Guid.NewGuid():N};Username=postgres;Timeout=5", TimeProvider.System);
        await using var _ = store;

        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => store.InitializeAsync(_ct));
        Assert.False(await store.PingAsync(_ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RepositoryExistsAsync("a", _ct));
    }

    protected override async Task<IMetadataStore> CreateStoreAsync(TimeProvider clock) => await _database.CreateStoreAsync(clock);

    protected override Task<long> QueryLongAsync(string sql) => _database.QueryLongAsync(sql);

    protected override Task ExecuteAsync(string sql) => _database.ExecuteAsync(sql);

    protected override async Task DisposeDatabaseAsync() => await _database.DisposeAsync();
}
