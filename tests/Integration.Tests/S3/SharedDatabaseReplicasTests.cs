using System.Net;
using System.Text.Json;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Origin.Tests.Harness;
using EdgeRegistry.Origin.Tests.Storage.S3;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>
/// Two origin processes as replicas on one bucket (s3rver) and one PostgreSQL database, the set-up for several
/// origins behind a load balancer: what skopeo pushes through one, it pulls, lists and deletes through the other.
/// </summary>
public sealed class SharedDatabaseReplicasTests : IAsyncLifetime
{
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromMinutes(4));
    private readonly OciLayoutBuilder layout = new();
    private readonly Skopeo skopeo = new();
    private S3rverServer? s3rver;
    private PostgresServer? postgres;
    private OriginReplicas? replicas;

    private OriginProcess First => replicas!.First;

    private OriginProcess Second => replicas!.Second;

    public async Task InitializeAsync()
    {
        s3rver = await S3rverServer.StartAsync(S3OriginEnvironment.Bucket, timeout.Token);
        postgres = await PostgresServer.StartAsync(timeout.Token);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        var options = new OriginOptions
        {
            Environment = S3OriginEnvironment.For(s3rver.Endpoint, "/shared-database", redirect: false),
            ExtraYaml = $"""
                metadata:
                  driver: postgres
                  postgres:
                    connectionstring: '{postgres.ConnectionString(database)}'
                """,
        };

        // Both start at once: the schema migration runs once, under PostgreSQL's advisory lock.
        replicas = await OriginReplicas.StartAsync(options, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in new IAsyncDisposable?[] { replicas, postgres, s3rver })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }

        layout.Dispose();
        skopeo.Dispose();
        timeout.Dispose();
    }

    [Fact]
    public async Task SkopeoCopy_InThroughOneReplicaOutThroughTheOther_DigestsMatch()
    {
        var image = layout.AddImage("v1", layerCount: 3, layerSize: 300_000);

        (await skopeo.CopyAsync(image.Reference, First.ImageReference("team/app", "v1"), null, First.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        var outLayout = layout.NewPath("out");
        (await skopeo.CopyAsync(Second.ImageReference("team/app", "v1"), $"oci:{outLayout}:v1", Second.Access, null, cancellationToken: timeout.Token)).EnsureSuccess();

        var copied = OciLayoutReader.FindTagged(outLayout, "v1");
        Assert.Equal(image.ManifestDigest, copied.Digest);
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(outLayout, blob.Digest)));
        }
    }

    [Fact]
    public async Task TagsAndDelete_OnEitherReplica_SeenByTheOther()
    {
        var image = layout.AddImage("one", layerCount: 1, layerSize: 4096);
        (await skopeo.CopyAsync(image.Reference, First.ImageReference("team/tags", "one"), null, First.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        (await skopeo.CopyAsync(image.Reference, Second.ImageReference("team/tags", "two"), null, Second.Access, cancellationToken: timeout.Token)).EnsureSuccess();

        var listed = await skopeo.ListTagsAsync($"docker://{First.Host}/team/tags", First.Access, timeout.Token);
        listed.EnsureSuccess();
        using (var json = JsonDocument.Parse(listed.StandardOutputBytes))
        {
            Assert.Equal(["one", "two"], json.RootElement.GetProperty("Tags").EnumerateArray().Select(tag => tag.GetString()).Order());
        }

        (await skopeo.DeleteAsync(Second.ImageReference("team/tags", "one"), Second.Access, timeout.Token)).EnsureSuccess();

        using var client = First.CreateHttpClient();
        using var deleted = await client.GetAsync($"v2/team/tags/manifests/{image.ManifestDigest}", timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        using var catalog = await client.GetAsync("v2/_catalog", timeout.Token);
        Assert.Contains("team/tags", await catalog.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
    }
}
