using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using EdgeRegistry.Origin.PullThrough;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.PullThrough;

public sealed class RemoteCandidatesTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeregistry-candidates-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RemoteRegistryClientFactory _remotes = new(new RemoteRegistryOptions { InsecureRegistries = ["insecure.example.com"] });
    private SqliteMetadataStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await _store.InitializeAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _remotes.Dispose();
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task GetAsync_SeveralTagsAndItems_NewestOfEachTagFirstSecureBeforeInsecureWithoutDuplicates()
    {
        await PutAsync("v1", "old.example.com/app");
        await PutAsync("v1", "insecure.example.com/app");
        await PutAsync("v1", "new.example.com/app");
        await PutAsync("v2", "other.example.com/app");
        await PutAsync("v2", "new.example.com/app");
        await PutAsync("local", null);

        var candidates = await Candidates(TimeSpan.Zero).GetAsync("team/app", CancellationToken.None);

        Assert.Equal(
            ["new.example.com/app", "other.example.com/app", "old.example.com/app", "insecure.example.com/app"],
            candidates.Select(c => c.ToString()));
        Assert.Equal([false, false, false, true], candidates.Select(c => c.IsInsecure));
    }

    [Fact]
    public async Task GetAsync_DockerHubReference_NormalizedLikeTheImport()
    {
        await PutAsync("latest", "docker.io/library/busybox");

        var candidate = Assert.Single(await Candidates(TimeSpan.Zero).GetAsync("team/app", CancellationToken.None));

        Assert.Equal(("docker.io", "library/busybox"), (candidate.Registry, candidate.Repository));
    }

    [Fact]
    public async Task GetAsync_WithinTheCacheTtl_AnswersFromTheCacheUntilItExpires()
    {
        var candidates = Candidates(TimeSpan.FromMinutes(10));
        await PutAsync("v1", "first.example.com/app");
        Assert.Single(await candidates.GetAsync("team/app", CancellationToken.None));

        await PutAsync("v2", "second.example.com/app");
        _clock.Advance(TimeSpan.FromMinutes(9));
        var cached = await candidates.GetAsync("team/app", CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = await candidates.GetAsync("team/app", CancellationToken.None);

        Assert.Single(cached);
        Assert.Equal(2, fresh.Count);
    }

    [Fact]
    public async Task GetAsync_Invalidated_ReadsTheStoreAgain()
    {
        var candidates = Candidates(TimeSpan.FromMinutes(10));
        await PutAsync("v1", "first.example.com/app");
        await candidates.GetAsync("team/app", CancellationToken.None);
        await PutAsync("v2", "second.example.com/app");

        candidates.Invalidate("team/app");

        Assert.Equal(2, (await candidates.GetAsync("team/app", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task GetRemoteBlobSizeAsync_NotImportedYet_NotCachedAsAbsent()
    {
        var candidates = Candidates(TimeSpan.FromMinutes(10));
        var blob = DigestHasher.Compute("blob"u8);
        Assert.Null(await candidates.GetRemoteBlobSizeAsync("team/app", blob, CancellationToken.None));

        await _store.LinkRemoteBlobsAsync("team/app", [new RemoteBlobRecord(blob, 4)], CancellationToken.None);

        Assert.Equal(4, await candidates.GetRemoteBlobSizeAsync("team/app", blob, CancellationToken.None));
    }

    private RemoteCandidates Candidates(TimeSpan ttl) => new(_store, _remotes, new PullThroughSettings { CacheTtl = ttl }, _clock);

    private async Task PutAsync(string tag, string? remote)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        var payload = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{DigestHasher.Compute(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()))}}","size":1},"layers":[]}""");
        var digest = DigestHasher.Compute(payload);
        var record = new ManifestRecord(digest, "application/vnd.oci.image.manifest.v1+json", payload, null, null, null, [], [], DateTimeOffset.UnixEpoch);
        await _store.PutManifestAsync("team/app", record, tag, remote is null ? null : $"{remote}@{digest}", CancellationToken.None);
    }
}
