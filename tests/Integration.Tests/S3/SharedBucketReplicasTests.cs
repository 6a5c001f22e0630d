using System.Net;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Origin.Tests.Caching;
using EdgeRegistry.Origin.Tests.Storage.S3;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>
/// Two origin processes on one bucket, one metadata file and one Redis, as replicas behind a load balancer
/// without session affinity (the seed's known issue 3.6.2 must not happen).
/// </summary>
public sealed class SharedBucketReplicasTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    private readonly TempDirectory shared = new("replicas-");
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromMinutes(4));
    private S3rverServer? s3rver;
    private RedisServer? redis;
    private OriginReplicas? replicas;

    private OriginProcess First => replicas!.First;

    private OriginProcess Second => replicas!.Second;

    public async Task InitializeAsync()
    {
        s3rver = await S3rverServer.StartAsync(S3OriginEnvironment.Bucket, timeout.Token);
        redis = await RedisServer.StartAsync(timeout.Token);
        var options = new OriginOptions
        {
            Environment = S3OriginEnvironment.For(s3rver.Endpoint, "/replicas", redirect: false, blobDescriptorCache: "redis"),
            ExtraYaml = $"""
                redis:
                  addr: {redis.Address}
                metadata:
                  sqlite:
                    path: '{shared.Combine("metadata.db")}'
                """,
        };
        replicas = await OriginReplicas.StartAsync(options, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in new IAsyncDisposable?[] { replicas, redis, s3rver })
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }

        shared.Dispose();
        timeout.Dispose();
    }

    [Fact]
    public async Task ChunkedUpload_PatchesAlternateBetweenReplicas_BlobVerifiesOnBoth()
    {
        using var a = First.CreateHttpClient();
        using var b = Second.CreateHttpClient();
        var chunks = new[] { BlobUploads.Pattern((6 * MiB) + 1, 1), BlobUploads.Pattern(3 * MiB, 2), BlobUploads.Pattern(1, 3), BlobUploads.Pattern((4 * MiB) + 17, 4) };
        var blob = chunks.SelectMany(chunk => chunk).ToArray();
        var digest = BlobUploads.DigestOf(blob);
        var location = await BlobUploads.StartAsync(a, "replicas/chunked", timeout.Token);

        long offset = 0;
        for (var i = 0; i < chunks.Length; i++)
        {
            var replica = i % 2 == 0 ? b : a;
            using var patched = await BlobUploads.PatchAsync(replica, location, chunks[i], offset, timeout.Token);
            Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
            offset += chunks[i].Length;
            Assert.Equal($"0-{offset - 1}", patched.Headers.GetValues("Range").Single());

            // The other replica reports the same offset.
            using var status = await (i % 2 == 0 ? a : b).GetAsync(location, timeout.Token);
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            Assert.Equal($"0-{offset - 1}", status.Headers.GetValues("Range").Single());
        }

        using var completed = await BlobUploads.CompleteAsync(a, location, digest, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);

        foreach (var replica in new[] { a, b })
        {
            var served = await replica.GetByteArrayAsync($"v2/replicas/chunked/blobs/{digest}", timeout.Token);
            Assert.Equal(digest, BlobUploads.DigestOf(served));
        }
    }

    [Fact]
    public async Task Requests_RedisKilledMidRun_KeepSucceeding()
    {
        using var a = First.CreateHttpClient();
        using var b = Second.CreateHttpClient();
        var before = BlobUploads.Pattern(100_000, 5);
        await BlobUploads.PushAsync(a, "replicas/redis", before, timeout.Token);
        Assert.Equal(before, await b.GetByteArrayAsync($"v2/replicas/redis/blobs/{BlobUploads.DigestOf(before)}", timeout.Token));

        redis!.Kill();

        var after = BlobUploads.Pattern(200_000, 6);
        await BlobUploads.PushAsync(b, "replicas/redis", after, timeout.Token);
        foreach (var replica in new[] { a, b })
        {
            foreach (var content in new[] { before, after })
            {
                using var head = await replica.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/replicas/redis/blobs/{BlobUploads.DigestOf(content)}"), timeout.Token);
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.Equal(content, await replica.GetByteArrayAsync($"v2/replicas/redis/blobs/{BlobUploads.DigestOf(content)}", timeout.Token));
            }

            using var ready = await replica.GetAsync("readyz", timeout.Token);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync(timeout.Token));
        }

        Assert.Contains("is unreachable", First.Output + Second.Output, StringComparison.Ordinal);
    }
}
