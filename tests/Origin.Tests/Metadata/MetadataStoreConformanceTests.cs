using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Metadata;

/// <summary>
/// What every <see cref="IMetadataStore"/> provider must do, run against each (SQLite, PostgreSQL) by a subclass that
/// says how to make a store on a database of the test's own.
/// </summary>
public abstract class MetadataStoreConformanceTests : IAsyncLifetime
{
    protected const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";

    private readonly FakeTimeProvider _clock = new();
    private readonly List<IMetadataStore> _stores = [];
    private readonly CancellationToken _ct = CancellationToken.None;

    /// <summary>The schema version a fully migrated database of the provider has.</summary>
    protected abstract int LatestSchemaVersion { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await DisposeStoreAsync(store);
        }

        await DisposeDatabaseAsync();
    }

    /// <summary>A new store, not initialized, on the test's database (the same database every call), with <paramref name="clock"/>.</summary>
    protected abstract Task<IMetadataStore> CreateStoreAsync(TimeProvider clock);

    /// <summary>Runs a query straight on the test's database and returns its first column of its first row as a number.</summary>
    protected abstract Task<long> QueryLongAsync(string sql);

    /// <summary>Runs a statement straight on the test's database.</summary>
    protected abstract Task ExecuteAsync(string sql);

    /// <summary>Deletes the test's database, after every store made on it has been disposed.</summary>
    protected abstract Task DisposeDatabaseAsync();

    protected static async Task DisposeStoreAsync(IMetadataStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>A new, initialized store on the test's database.</summary>
    protected async Task<IMetadataStore> OpenAsync()
    {
        var store = await NewStoreAsync();
        await store.InitializeAsync(_ct);
        return store;
    }

    /// <summary>A new store, not initialized, disposed with the test.</summary>
    protected async Task<IMetadataStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(_clock);
        _stores.Add(store);
        return store;
    }

    // Initialization

    [Fact]
    public async Task InitializeAsync_CalledAgainAndReopened_AppliesEachMigrationOnce()
    {
        var store = await OpenAsync();
        await store.InitializeAsync(_ct);
        await DisposeStoreAsync(store);
        await OpenAsync();

        Assert.Equal((long)LatestSchemaVersion, await QueryLongAsync("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task InitializeAsync_DatabaseFromNewerBuild_Throws()
    {
        var store = await OpenAsync();
        await DisposeStoreAsync(store);
        await ExecuteAsync("INSERT INTO schema_version (version, applied) VALUES (9999, 0)");

        var newer = await NewStoreAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(_ct));
        Assert.Contains("9999", error.Message);
    }

    [Fact]
    public async Task RepositoryExistsAsync_BeforeInitialize_ThrowsInvalidOperation()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RepositoryExistsAsync("a", _ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.LinkBlobAsync("a", BlobDigest("x"), 1, _ct));
    }

    [Fact]
    public async Task PingAsync_BeforeAndAfterInitialize_FalseThenTrue()
    {
        var store = await NewStoreAsync();

        Assert.False(await store.PingAsync(_ct));
        await store.InitializeAsync(_ct);
        Assert.True(await store.PingAsync(_ct));
    }

    [Fact]
    public async Task Dispose_ThenCall_ThrowsObjectDisposed()
    {
        var store = await OpenAsync();
        await DisposeStoreAsync(store);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetManifestByTagAsync("a", "latest", _ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.DeleteTagAsync("a", "latest", _ct));
        Assert.False(await store.PingAsync(_ct));
    }

    [Fact]
    public async Task Calls_CanceledToken_Canceled()
    {
        var store = await OpenAsync();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetManifestByTagAsync("a", "latest", canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.LinkBlobAsync("a", BlobDigest("x"), 1, canceled.Token));
        Assert.False(await store.RepositoryExistsAsync("a", _ct));
    }

    // Repositories

    [Fact]
    public async Task RepositoryExistsAsync_CreatedByLinkOrManifestNotByUpload_TrueOnlyForThose()
    {
        var store = await OpenAsync();

        await store.LinkBlobAsync("linked", BlobDigest("layer"), 10, _ct);
        await store.PutManifestAsync("pushed", Manifest("m"), null, _ct);
        await store.CreateUploadAsync(new UploadSession("uploading", "u1", _clock.GetUtcNow()), _ct);

        Assert.True(await store.RepositoryExistsAsync("linked", _ct));
        Assert.True(await store.RepositoryExistsAsync("pushed", _ct));
        Assert.False(await store.RepositoryExistsAsync("uploading", _ct));
        Assert.False(await store.RepositoryExistsAsync("unknown", _ct));
        Assert.Equal(["linked", "pushed"], await store.ListRepositoriesAsync(null, 100, _ct));
    }

    [Fact]
    public async Task ListRepositoriesAsync_PagesOverThousandRepositories_EachNameOnceInOrdinalOrder()
    {
        var store = await OpenAsync();
        var names = Enumerable.Range(0, 1000).Select(i => $"project-{i % 7}/image-{i * 7919 % 1000}").ToList();
        foreach (var name in names.OrderBy(_ => Random.Shared.Next()))
        {
            await store.LinkBlobAsync(name, BlobDigest("shared"), 1, _ct);
        }

        var seen = new List<string>();
        string? last = null;
        int pages = 0;
        while (true)
        {
            var page = await store.ListRepositoriesAsync(last, 37, _ct);
            Assert.True(page.Count <= 37);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            last = page[^1];
            pages++;
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        Assert.Equal(1000, seen.Distinct().Count());
        Assert.Equal(28, pages);
    }

    [Fact]
    public async Task ListRepositoriesAsync_LastAndLimit_ReturnsStrictlyAfterLast()
    {
        var store = await OpenAsync();
        foreach (var name in new[] { "b", "a/z", "a", "c" })
        {
            await store.LinkBlobAsync(name, BlobDigest("x"), 1, _ct);
        }

        Assert.Equal(["a", "a/z"], await store.ListRepositoriesAsync(null, 2, _ct));
        Assert.Equal(["b", "c"], await store.ListRepositoriesAsync("a/z", 10, _ct));
        Assert.Equal(["a/z"], await store.ListRepositoriesAsync("a/yy", 1, _ct));
        Assert.Empty(await store.ListRepositoriesAsync("c", 10, _ct));
        Assert.Empty(await store.ListRepositoriesAsync(null, 0, _ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListRepositoriesAsync(null, -1, _ct));
    }

    // Blob links

    [Fact]
    public async Task LinkBlobAsync_LinkedInOneRepository_SizeVisibleOnlyThere()
    {
        var store = await OpenAsync();
        var digest = BlobDigest("layer");

        await store.LinkBlobAsync("a", digest, 1234, _ct);

        Assert.Equal(1234L, await store.GetLinkedBlobSizeAsync("a", digest, _ct));
        Assert.Null(await store.GetLinkedBlobSizeAsync("b", digest, _ct));
        Assert.Null(await store.GetLinkedBlobSizeAsync("a", BlobDigest("other"), _ct));
    }

    [Fact]
    public async Task LinkBlobAsync_Twice_IdempotentKeepsFirstSize()
    {
        var store = await OpenAsync();
        var digest = BlobDigest("layer");

        await store.LinkBlobAsync("a", digest, 1234, _ct);
        await store.LinkBlobAsync("a", digest, 1234, _ct);

        Assert.Equal(1234L, await store.GetLinkedBlobSizeAsync("a", digest, _ct));
        Assert.Equal(1L, await QueryLongAsync("SELECT COUNT(*) FROM blobs"));
    }

    [Fact]
    public async Task UnlinkBlobAsync_LinkedThenNot_TrueThenFalse()
    {
        var store = await OpenAsync();
        var digest = BlobDigest("layer");
        await store.LinkBlobAsync("a", digest, 5, _ct);
        await store.LinkBlobAsync("b", digest, 5, _ct);

        Assert.True(await store.UnlinkBlobAsync("a", digest, _ct));
        Assert.False(await store.UnlinkBlobAsync("a", digest, _ct));
        Assert.False(await store.UnlinkBlobAsync("unknown", digest, _ct));

        Assert.Null(await store.GetLinkedBlobSizeAsync("a", digest, _ct));
        Assert.Equal(5L, await store.GetLinkedBlobSizeAsync("b", digest, _ct));
        Assert.True(await store.RepositoryExistsAsync("a", _ct));
    }

    [Fact]
    public async Task IsBlobReferencedAsync_ByLinkOrManifest_TrueUntilBothGone()
    {
        var store = await OpenAsync();
        var layer = BlobDigest("layer");
        var config = BlobDigest("config");
        var manifest = Manifest("m", blobs: [config, layer]);

        Assert.False(await store.IsBlobReferencedAsync(layer, _ct));

        await store.LinkBlobAsync("a", layer, 1, _ct);
        Assert.True(await store.IsBlobReferencedAsync(layer, _ct));
        Assert.False(await store.IsBlobReferencedAsync(config, _ct));

        await store.PutManifestAsync("b", manifest, "latest", _ct);
        await store.UnlinkBlobAsync("a", layer, _ct);
        Assert.True(await store.IsBlobReferencedAsync(layer, _ct));
        Assert.True(await store.IsBlobReferencedAsync(config, _ct));

        await store.DeleteManifestAsync("b", manifest.Digest, _ct);
        Assert.False(await store.IsBlobReferencedAsync(layer, _ct));
        Assert.False(await store.IsBlobReferencedAsync(config, _ct));
    }

    // Manifests

    [Fact]
    public async Task GetManifestAsync_AfterPut_ReturnsEverythingAsStored()
    {
        var store = await OpenAsync();
        var subject = Manifest("subject");
        var manifest = Manifest(
            "signature",
            mediaType: OciManifest,
            subject: subject.Digest,
            artifactType: "application/vnd.dev.cosign.simplesigning.v1+json",
            annotations: """{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"}""",
            blobs: [BlobDigest("config"), BlobDigest("layer")]);
        var now = _clock.GetUtcNow();

        await store.PutManifestAsync("a", manifest, null, _ct);
        var stored = await store.GetManifestAsync("a", manifest.Digest, _ct);

        Assert.NotNull(stored);
        Assert.Equal(manifest.Digest, stored.Digest);
        Assert.Equal(manifest.MediaType, stored.MediaType);
        Assert.Equal(manifest.Payload.ToArray(), stored.Payload.ToArray());
        Assert.Equal(manifest.Size, stored.Size);
        Assert.Equal(subject.Digest, stored.Subject);
        Assert.Equal(manifest.ArtifactType, stored.ArtifactType);
        Assert.Equal(manifest.Annotations, stored.Annotations);
        Assert.Equal(now, stored.Created);
        Assert.Equal(TimeSpan.Zero, stored.Created.Offset);
    }

    [Fact]
    public async Task GetManifestAsync_PayloadWithNonUtf8AndWhitespace_ReturnsBytesExactly()
    {
        var store = await OpenAsync();
        byte[] payload = [.. "{ \"schemaVersion\" : 2 ,\n\t\"x\":\""u8, 0xff, 0x00, 0xfe, .. "\" }  \r\n"u8];
        var manifest = new ManifestRecord(Digest.FromSha256Bytes(SHA256.HashData(payload)), OciManifest, payload, null, null, null, [], [], default);

        await store.PutManifestAsync("a", manifest, "t", _ct);

        Assert.Equal(payload, (await store.GetManifestAsync("a", manifest.Digest, _ct))!.Payload.ToArray());
        Assert.Equal(payload, (await store.GetManifestByTagAsync("a", "t", _ct))!.Payload.ToArray());
    }

    [Fact]
    public async Task GetManifestAsync_UnknownDigestOrRepository_Null()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m");
        await store.PutManifestAsync("a", manifest, null, _ct);

        Assert.Null(await store.GetManifestAsync("a", Manifest("other").Digest, _ct));
        Assert.Null(await store.GetManifestAsync("b", manifest.Digest, _ct));
    }

    [Fact]
    public async Task GetManifestByTagAsync_TaggedPut_ReturnsManifest()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m", mediaType: OciIndex, children: [Manifest("amd64").Digest, Manifest("arm64").Digest]);

        await store.PutManifestAsync("a", manifest, "v1", _ct);
        var stored = await store.GetManifestByTagAsync("a", "v1", _ct);

        Assert.NotNull(stored);
        Assert.Equal(manifest.Digest, stored.Digest);
        Assert.Equal(OciIndex, stored.MediaType);
        Assert.Equal(manifest.Payload.ToArray(), stored.Payload.ToArray());
        Assert.Null(stored.Subject);
        Assert.Null(stored.ArtifactType);
        Assert.Null(stored.Annotations);
        Assert.Null(await store.GetManifestByTagAsync("a", "v2", _ct));
        Assert.Null(await store.GetManifestByTagAsync("b", "v1", _ct));
    }

    [Fact]
    public async Task PutManifestAsync_SameDigestTwice_IdempotentKeepsFirstTimeAndOneHistoryEntry()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m", blobs: [BlobDigest("layer"), BlobDigest("layer")]);
        var first = _clock.GetUtcNow();

        await store.PutManifestAsync("a", manifest, "latest", _ct);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await store.PutManifestAsync("a", manifest, "latest", _ct);
        await store.PutManifestAsync("a", manifest, null, _ct);

        Assert.Equal(first, (await store.GetManifestAsync("a", manifest.Digest, _ct))!.Created);
        var history = await store.GetTagHistoryAsync("a", "latest", _ct);
        Assert.Equal([new TagHistoryEntry("latest", manifest.Digest, first)], history);
        Assert.Equal(1L, await QueryLongAsync("SELECT COUNT(*) FROM manifests"));
    }

    [Fact]
    public async Task PutManifestAsync_SameDigestInTwoRepositories_StoredInEach()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m");

        await store.PutManifestAsync("a", manifest, "x", _ct);
        await store.PutManifestAsync("b", manifest, "y", _ct);
        await store.DeleteManifestAsync("a", manifest.Digest, _ct);

        Assert.Null(await store.GetManifestAsync("a", manifest.Digest, _ct));
        Assert.NotNull(await store.GetManifestAsync("b", manifest.Digest, _ct));
        Assert.Equal(manifest.Digest, (await store.GetManifestByTagAsync("b", "y", _ct))!.Digest);
    }

    [Fact]
    public async Task PutManifestAsync_TagMoves_AppendsHistoryNewestFirst()
    {
        var store = await OpenAsync();
        var one = Manifest("one");
        var two = Manifest("two");
        var t1 = _clock.GetUtcNow();

        await store.PutManifestAsync("a", one, "latest", _ct);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var t2 = _clock.GetUtcNow();
        await store.PutManifestAsync("a", two, "latest", _ct);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await store.PutManifestAsync("a", two, "latest", _ct);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var t3 = _clock.GetUtcNow();
        await store.PutManifestAsync("a", one, "latest", _ct);

        Assert.Equal(one.Digest, (await store.GetManifestByTagAsync("a", "latest", _ct))!.Digest);
        Assert.Equal(
            [new TagHistoryEntry("latest", one.Digest, t3), new TagHistoryEntry("latest", two.Digest, t2), new TagHistoryEntry("latest", one.Digest, t1)],
            await store.GetTagHistoryAsync("a", "latest", _ct));
        Assert.Empty(await store.GetTagHistoryAsync("a", "other", _ct));
        Assert.Empty(await store.GetTagHistoryAsync("b", "latest", _ct));
    }

    [Fact]
    public async Task GetTagHistoryAsync_ClockStandsStill_OrderOfPutsKept()
    {
        var store = await OpenAsync();
        var digests = new List<Digest>();
        for (var i = 0; i < 5; i++)
        {
            var manifest = Manifest("m" + i);
            digests.Add(manifest.Digest);
            await store.PutManifestAsync("a", manifest, "latest", _ct);
        }

        var history = await store.GetTagHistoryAsync("a", "latest", _ct);
        Assert.Equal(digests.AsEnumerable().Reverse(), history.Select(e => e.Digest));
    }

    [Fact]
    public async Task DeleteManifestAsync_Tagged_RemovesManifestAndItsTagsKeepsOthersAndHistory()
    {
        var store = await OpenAsync();
        var one = Manifest("one", blobs: [BlobDigest("layer")]);
        var two = Manifest("two");
        await store.PutManifestAsync("a", one, "x", _ct);
        await store.PutManifestAsync("a", one, "y", _ct);
        await store.PutManifestAsync("a", two, "z", _ct);

        Assert.True(await store.DeleteManifestAsync("a", one.Digest, _ct));

        Assert.Null(await store.GetManifestAsync("a", one.Digest, _ct));
        Assert.Null(await store.GetManifestByTagAsync("a", "x", _ct));
        Assert.Null(await store.GetManifestByTagAsync("a", "y", _ct));
        Assert.Equal(["z"], await store.ListTagsAsync("a", null, 100, _ct));
        Assert.Equal(two.Digest, (await store.GetManifestByTagAsync("a", "z", _ct))!.Digest);
        Assert.Single(await store.GetTagHistoryAsync("a", "x", _ct));
        Assert.Equal(0L, await QueryLongAsync("SELECT COUNT(*) FROM manifest_blobs"));
        Assert.False(await store.DeleteManifestAsync("a", one.Digest, _ct));
        Assert.False(await store.DeleteManifestAsync("unknown", two.Digest, _ct));
    }

    [Fact]
    public async Task DeleteManifestAsync_Index_RemovesChildReferences()
    {
        var store = await OpenAsync();
        var index = Manifest("index", mediaType: OciIndex, children: [Manifest("amd64").Digest, Manifest("arm64").Digest]);
        await store.PutManifestAsync("a", index, null, _ct);
        Assert.Equal(2L, await QueryLongAsync("SELECT COUNT(*) FROM manifest_children"));

        Assert.True(await store.DeleteManifestAsync("a", index.Digest, _ct));

        Assert.Equal(0L, await QueryLongAsync("SELECT COUNT(*) FROM manifest_children"));
    }

    [Fact]
    public async Task PutManifestAsync_AfterDeleteOfSameDigest_StoresAgainAndRetagsWithHistory()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m");
        await store.PutManifestAsync("a", manifest, "latest", _ct);
        await store.DeleteManifestAsync("a", manifest.Digest, _ct);
        _clock.Advance(TimeSpan.FromHours(1));

        await store.PutManifestAsync("a", manifest, "latest", _ct);

        Assert.Equal(_clock.GetUtcNow(), (await store.GetManifestByTagAsync("a", "latest", _ct))!.Created);
        Assert.Equal(2, (await store.GetTagHistoryAsync("a", "latest", _ct)).Count);
    }

    [Fact]
    public async Task DeleteTagAsync_Existing_RemovesTagKeepsManifest()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m");
        await store.PutManifestAsync("a", manifest, "latest", _ct);

        Assert.True(await store.DeleteTagAsync("a", "latest", _ct));

        Assert.False(await store.DeleteTagAsync("a", "latest", _ct));
        Assert.False(await store.DeleteTagAsync("unknown", "latest", _ct));
        Assert.Null(await store.GetManifestByTagAsync("a", "latest", _ct));
        Assert.NotNull(await store.GetManifestAsync("a", manifest.Digest, _ct));
        Assert.Empty(await store.ListTagsAsync("a", null, 10, _ct));
        Assert.Single(await store.GetTagHistoryAsync("a", "latest", _ct));
    }

    [Fact]
    public async Task ListTagsAsync_PagesOverThousandTags_EachTagOnceInOrdinalOrder()
    {
        var store = await OpenAsync();
        var manifest = Manifest("m");
        var tags = Enumerable.Range(0, 1000).Select(i => i % 3 == 0 ? $"v{i}" : i % 3 == 1 ? $"V{i}.0" : $"build_{i}").ToList();
        foreach (var tag in tags.OrderBy(_ => Random.Shared.Next()))
        {
            await store.PutManifestAsync("a", manifest, tag, _ct);
        }

        await store.PutManifestAsync("b", manifest, "only-in-b", _ct);

        var seen = new List<string>();
        string? last = null;
        while (true)
        {
            var page = await store.ListTagsAsync("a", last, 100, _ct);
            Assert.True(page.Count <= 100);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            last = page[^1];
        }

        Assert.Equal(tags.Order(StringComparer.Ordinal), seen);
        Assert.Equal(1000, seen.Distinct().Count());
    }

    [Fact]
    public async Task ListTagsAsync_UnknownRepositoryOrZeroLimit_EmptyNegativeLimitThrows()
    {
        var store = await OpenAsync();
        await store.PutManifestAsync("a", Manifest("m"), "latest", _ct);

        Assert.Empty(await store.ListTagsAsync("unknown", null, 10, _ct));
        Assert.Empty(await store.ListTagsAsync("a", null, 0, _ct));
        Assert.Empty(await store.ListTagsAsync("a", "latest", 10, _ct));
        Assert.Equal(["latest"], await store.ListTagsAsync("a", "a", 10, _ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListTagsAsync("a", null, -1, _ct));
    }

    // Referrers

    [Fact]
    public async Task ListReferrersAsync_ArtifactTypeGiven_ReturnsOnlyThatTypeInDigestOrder()
    {
        var store = await OpenAsync();
        var subject = Manifest("subject");
        await store.PutManifestAsync("a", subject, "latest", _ct);
        var signatures = new[] { "sig1", "sig2", "sig3" }
            .Select(n => Manifest(n, subject: subject.Digest, artifactType: "application/vnd.example.signature", annotations: $$"""{"n":"{{n}}"}"""))
            .ToList();
        var sbom = Manifest("sbom", subject: subject.Digest, artifactType: "application/spdx+json");
        foreach (var referrer in signatures.Append(sbom))
        {
            await store.PutManifestAsync("a", referrer, null, _ct);
        }

        await store.PutManifestAsync("b", Manifest("elsewhere", subject: subject.Digest, artifactType: "application/spdx+json"), null, _ct);
        await store.PutManifestAsync("a", Manifest("unrelated", subject: Manifest("other").Digest, artifactType: "application/spdx+json"), null, _ct);

        var all = await store.ListReferrersAsync("a", subject.Digest, null, _ct);
        var onlySignatures = await store.ListReferrersAsync("a", subject.Digest, "application/vnd.example.signature", _ct);
        var onlySbom = await store.ListReferrersAsync("a", subject.Digest, "application/spdx+json", _ct);

        Assert.Equal(signatures.Append(sbom).Select(m => m.Digest.ToString()).Order(StringComparer.Ordinal), all.Select(m => m.Digest.ToString()));
        Assert.Equal(signatures.Select(m => m.Digest.ToString()).Order(StringComparer.Ordinal), onlySignatures.Select(m => m.Digest.ToString()));
        Assert.All(onlySignatures, m => Assert.Equal("application/vnd.example.signature", m.ArtifactType));
        var storedSbom = Assert.Single(onlySbom);
        Assert.Equal(sbom.Digest, storedSbom.Digest);
        Assert.Equal(sbom.Payload.ToArray(), storedSbom.Payload.ToArray());
        Assert.Equal(subject.Digest, storedSbom.Subject);
        Assert.Empty(await store.ListReferrersAsync("a", subject.Digest, "application/unknown", _ct));
        Assert.Empty(await store.ListReferrersAsync("a", sbom.Digest, null, _ct));
        Assert.Equal(signatures[0].Annotations, onlySignatures.Single(m => m.Digest == signatures[0].Digest).Annotations);
    }

    // Uploads

    [Fact]
    public async Task ListUploadsStartedBeforeAsync_Cutoff_ReturnsOnlyOlderSessionsOldestFirst()
    {
        var store = await OpenAsync();
        var start = _clock.GetUtcNow();
        var old = new UploadSession("a", "old", start);
        _clock.Advance(TimeSpan.FromHours(1));
        var middle = new UploadSession("b", "middle", _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromHours(1));
        var recent = new UploadSession("a", "recent", _clock.GetUtcNow());
        foreach (var session in new[] { recent, old, middle })
        {
            await store.CreateUploadAsync(session, _ct);
        }

        Assert.Empty(await store.ListUploadsStartedBeforeAsync(start, _ct));
        Assert.Equal([old], await store.ListUploadsStartedBeforeAsync(start.AddMinutes(30), _ct));
        Assert.Equal([old, middle], await store.ListUploadsStartedBeforeAsync(recent.Started, _ct));
        Assert.Equal([old, middle, recent], await store.ListUploadsStartedBeforeAsync(_clock.GetUtcNow().AddTicks(TimeSpan.TicksPerMillisecond), _ct));
    }

    [Fact]
    public async Task GetUploadAsync_CreatedThenDeleted_FoundThenNull()
    {
        var store = await OpenAsync();
        var session = new UploadSession("a", "6f1c", _clock.GetUtcNow());

        await store.CreateUploadAsync(session, _ct);
        Assert.Equal(session, await store.GetUploadAsync("a", "6f1c", _ct));
        Assert.Null(await store.GetUploadAsync("b", "6f1c", _ct));

        await store.DeleteUploadAsync("a", "6f1c", _ct);
        await store.DeleteUploadAsync("a", "6f1c", _ct);
        Assert.Null(await store.GetUploadAsync("a", "6f1c", _ct));
        Assert.Empty(await store.ListUploadsStartedBeforeAsync(DateTimeOffset.MaxValue, _ct));
    }

    [Fact]
    public async Task CreateUploadAsync_DuplicateId_ThrowsAndKeepsFirst()
    {
        var store = await OpenAsync();
        var first = new UploadSession("a", "u", _clock.GetUtcNow());
        await store.CreateUploadAsync(first, _ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateUploadAsync(first with { Started = first.Started.AddDays(1) }, _ct));

        Assert.Equal(first, await store.GetUploadAsync("a", "u", _ct));
        await store.CreateUploadAsync(new UploadSession("b", "u", first.Started), _ct);
        await store.LinkBlobAsync("a", BlobDigest("after-failure"), 1, _ct);
        Assert.Equal(1L, await store.GetLinkedBlobSizeAsync("a", BlobDigest("after-failure"), _ct));
    }

    // Durability and concurrency

    [Fact]
    public async Task InitializeAsync_ReopenAfterDispose_KeepsEverything()
    {
        var store = await OpenAsync();
        var subject = Manifest("subject", blobs: [BlobDigest("config")]);
        var referrer = Manifest("referrer", subject: subject.Digest, artifactType: "application/x", annotations: """{"k":"v"}""");
        var created = _clock.GetUtcNow();
        await store.LinkBlobAsync("a", BlobDigest("config"), 77, _ct);
        await store.PutManifestAsync("a", subject, "latest", _ct);
        await store.PutManifestAsync("a", referrer, null, _ct);
        await store.CreateUploadAsync(new UploadSession("a", "u1", created), _ct);
        await DisposeStoreAsync(store);
        _clock.Advance(TimeSpan.FromDays(1));

        var reopened = await OpenAsync();

        Assert.True(await reopened.RepositoryExistsAsync("a", _ct));
        Assert.Equal(77L, await reopened.GetLinkedBlobSizeAsync("a", BlobDigest("config"), _ct));
        var stored = await reopened.GetManifestByTagAsync("a", "latest", _ct);
        Assert.Equal(subject.Payload.ToArray(), stored!.Payload.ToArray());
        Assert.Equal(created, stored.Created);
        Assert.Equal([new TagHistoryEntry("latest", subject.Digest, created)], await reopened.GetTagHistoryAsync("a", "latest", _ct));
        var storedReferrer = Assert.Single(await reopened.ListReferrersAsync("a", subject.Digest, "application/x", _ct));
        Assert.Equal("""{"k":"v"}""", storedReferrer.Annotations);
        Assert.Equal(new UploadSession("a", "u1", created), await reopened.GetUploadAsync("a", "u1", _ct));
        Assert.True(await reopened.IsBlobReferencedAsync(BlobDigest("config"), _ct));
    }

    [Fact]
    public async Task InitializeAsync_SecondInstanceWhileFirstOpen_SeesCommittedWrites()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var manifest = Manifest("m");

        await first.PutManifestAsync("a", manifest, "latest", _ct);
        Assert.Equal(manifest.Digest, (await second.GetManifestByTagAsync("a", "latest", _ct))!.Digest);

        await second.DeleteTagAsync("a", "latest", _ct);
        Assert.Null(await first.GetManifestByTagAsync("a", "latest", _ct));
    }

    [Fact]
    public async Task PutManifestAsync_ManyConcurrentPutsAndReads_AllStoredAndReadable()
    {
        var store = await OpenAsync();
        const int count = 64;
        var manifests = Enumerable.Range(0, count).Select(i => Manifest("m" + i, blobs: [BlobDigest("layer" + (i % 5))])).ToList();
        var shared = Manifest("shared");
        await store.PutManifestAsync("shared", shared, "latest", _ct);

        var writers = manifests.Select((m, i) => Task.Run(
            async () =>
            {
                await store.PutManifestAsync($"repo-{i % 8}", m, $"tag-{i}", _ct);
                await store.LinkBlobAsync($"repo-{i % 8}", BlobDigest("layer" + (i % 5)), i % 5, _ct);
                await store.PutManifestAsync("shared", m, "moving", _ct);
            },
            _ct));
        var readers = Enumerable.Range(0, count).Select(_ => Task.Run(
            async () =>
            {
                for (var j = 0; j < 20; j++)
                {
                    var byTag = await store.GetManifestByTagAsync("shared", "latest", _ct);
                    Assert.Equal(shared.Payload.ToArray(), byTag!.Payload.ToArray());
                    Assert.NotNull(await store.GetManifestAsync("shared", shared.Digest, _ct));
                    await store.ListRepositoriesAsync(null, 5, _ct);
                }
            },
            _ct));
        await Task.WhenAll(writers.Concat(readers));

        for (var i = 0; i < count; i++)
        {
            var stored = await store.GetManifestByTagAsync($"repo-{i % 8}", $"tag-{i}", _ct);
            Assert.Equal(manifests[i].Payload.ToArray(), stored!.Payload.ToArray());
            Assert.Equal((long)(i % 5), await store.GetLinkedBlobSizeAsync($"repo-{i % 8}", BlobDigest("layer" + (i % 5)), _ct));
        }

        Assert.Equal(["repo-0", "repo-1", "repo-2", "repo-3", "repo-4", "repo-5", "repo-6", "repo-7", "shared"], await store.ListRepositoriesAsync(null, 100, _ct));
        Assert.Equal(count, (await store.ListTagsAsync("repo-0", null, 100, _ct)).Count * 8);
        var moving = await store.GetTagHistoryAsync("shared", "moving", _ct);
        Assert.Equal(count, moving.Count);
        Assert.Equal(manifests.Select(m => m.Digest).ToHashSet(), moving.Select(e => e.Digest).ToHashSet());
        Assert.Equal(moving[0].Digest, (await store.GetManifestByTagAsync("shared", "moving", _ct))!.Digest);
    }

    [Fact]
    public async Task InitializeAsync_FourStoresAtOnceOnNewDatabase_AppliesEachMigrationOnce()
    {
        var stores = new List<IMetadataStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await NewStoreAsync());
        }

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.InitializeAsync(_ct), _ct)));

        Assert.Equal((long)LatestSchemaVersion, await QueryLongAsync("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal((long)LatestSchemaVersion, await QueryLongAsync("SELECT MAX(version) FROM schema_version"));
        await stores[0].PutManifestAsync("a", Manifest("m"), "latest", _ct);
        Assert.All(await Task.WhenAll(stores.Select(store => store.GetManifestByTagAsync("a", "latest", _ct))), m => Assert.Equal(Manifest("m").Digest, m!.Digest));
    }

    // Helpers

    protected static Digest BlobDigest(string seed) => Digest.FromSha256Bytes(SHA256.HashData(Encoding.UTF8.GetBytes("blob:" + seed)));

    protected static ManifestRecord Manifest(
        string seed,
        string mediaType = OciManifest,
        Digest? subject = null,
        string? artifactType = null,
        string? annotations = null,
        IReadOnlyList<Digest>? blobs = null,
        IReadOnlyList<Digest>? children = null)
    {
        var payload = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{mediaType}}","seed":"{{seed}}"}""");
        return new ManifestRecord(
            Digest.FromSha256Bytes(SHA256.HashData(payload)),
            mediaType,
            payload,
            subject,
            artifactType,
            annotations,
            blobs ?? [],
            children ?? [],
            default);
    }
}
