using System.Net;
using System.Text.Json;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Metadata.Postgres;
using EdgeRegistry.Origin.Tests.Metadata.Postgres;

namespace EdgeRegistry.Origin.Tests.Api;

/// <summary>
/// The distribution API on metadata in PostgreSQL: two origin replicas, each with a store of its own on one database
/// and one storage root (as replicas share an S3 bucket), so what one is pushed the other serves.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMetadataEndpointsTests(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new(fixture.Server);
    private readonly List<PostgresMetadataStore> _stores = [];
    private TestOrigin _first = null!;
    private TestOrigin _second = null!;

    public async Task InitializeAsync()
    {
        _first = await TestOrigin.StartAsync(metadata: await StoreAsync());
        _second = await TestOrigin.StartAsync(root: _first.Root, metadata: await StoreAsync());
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task PushPullListDelete_AcrossReplicas_RoundTrip()
    {
        var (manifest, digest) = await _first.Client.PushImageAsync("team/app", "v1");
        using (var v2 = await _first.Client.PutManifestAsync("team/app", "v2", manifest))
        {
            Assert.Equal(HttpStatusCode.Created, v2.StatusCode);
        }

        await _first.Client.PushImageAsync("team/other", "latest");

        // Pull from the other replica: the manifest by tag and by digest, and a layer it names.
        using (var pulled = await _second.Client.GetAsync("/v2/team/app/manifests/v1"))
        {
            Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
            Assert.Equal(digest, pulled.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(manifest, await pulled.Content.ReadAsByteArrayAsync());
        }

        var layer = JsonDocument.Parse(manifest).RootElement.GetProperty("layers")[0];
        using (var blob = await _second.Client.GetAsync($"/v2/team/app/blobs/{layer.GetProperty("digest").GetString()}"))
        {
            Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
            var bytes = await blob.Content.ReadAsByteArrayAsync();
            Assert.Equal(layer.GetProperty("size").GetInt32(), bytes.Length);
            Assert.Equal(layer.GetProperty("digest").GetString(), RegistryCalls.DigestOf(bytes));
        }

        Assert.Equal(["v1", "v2"], await TagsAsync(_second, "team/app"));
        Assert.Equal(["team/app", "team/other"], await CatalogAsync(_second, "/v2/_catalog"));
        Assert.Equal(["team/app"], await CatalogAsync(_second, "/v2/_catalog?n=1"));
        Assert.Equal(["team/other"], await CatalogAsync(_second, "/v2/_catalog?n=1&last=team/app"));

        // Delete on the second replica; the first no longer serves it.
        using (var deleted = await _second.Client.DeleteAsync($"/v2/team/app/manifests/{digest}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        }

        using (var gone = await _first.Client.GetAsync("/v2/team/app/manifests/v1"))
        {
            await gone.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }

        using (var goneByDigest = await _first.Client.GetAsync($"/v2/team/app/manifests/{digest}"))
        {
            await goneByDigest.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }

        Assert.Empty(await TagsAsync(_first, "team/app"));
        Assert.Equal(["team/app", "team/other"], await CatalogAsync(_first, "/v2/_catalog"));

        // A third store on the database (a replica starting later) sees what was committed, history included.
        var later = await StoreAsync();
        await later.InitializeAsync(CancellationToken.None);
        var history = await later.GetTagHistoryAsync("team/app", "v1", CancellationToken.None);
        Assert.Equal(Digest.Parse(digest), Assert.Single(history).Digest);
        Assert.Null(await later.GetManifestAsync("team/app", Digest.Parse(digest), CancellationToken.None));
    }

    private async Task<PostgresMetadataStore> StoreAsync()
    {
        var store = await _database.CreateStoreAsync(TimeProvider.System);
        _stores.Add(store);
        return store;
    }

    private static async Task<IReadOnlyList<string>> TagsAsync(TestOrigin origin, string repository)
    {
        using var response = await origin.Client.GetAsync($"/v2/{repository}/tags/list");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var tags = json.RootElement.GetProperty("tags");
        return tags.ValueKind == JsonValueKind.Null ? [] : tags.EnumerateArray().Select(t => t.GetString()!).ToList();
    }

    private static async Task<IReadOnlyList<string>> CatalogAsync(TestOrigin origin, string path)
    {
        using var response = await origin.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()!).ToList();
    }
}
