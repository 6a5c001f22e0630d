using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Crash;

/// <summary>
/// SIGKILL in the middle of many concurrent pushes, then a restart on the same data: every push that was
/// acknowledged is pullable and verifies, and nothing half-written is visible.
/// </summary>
public sealed class OriginCrashTests
{
    private const int Pushers = 12;

    [Fact]
    public async Task Kill_DuringConcurrentPushes_CompletedPushesSurviveAndNoPartialBlobIsVisible()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var origin = await OriginProcess.StartAsync(null, timeout.Token);
        var completed = new ConcurrentBag<PushedImage>();
        var attempted = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var pushers = Enumerable.Range(0, Pushers).Select(worker => Task.Run(async () =>
        {
            using var client = origin.CreateHttpClient();
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                try
                {
                    var image = await PushImageAsync(client, $"crash/w{worker}", $"r{round}", attempted, stop.Token);
                    completed.Add(image);
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
                {
                    return;
                }
            }
        })).ToList();

        // Let pushes run until a good number have completed, then kill the process mid-flight.
        while (completed.Count < Pushers * 2 && !timeout.IsCancellationRequested)
        {
            await Task.Delay(50, timeout.Token);
        }

        origin.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(pushers);
        Assert.True(completed.Count >= Pushers * 2, $"only {completed.Count} pushes completed before the kill");

        await origin.RestartAsync(timeout.Token);
        using var reader = origin.CreateHttpClient();
        foreach (var image in completed)
        {
            using var manifest = await reader.GetAsync($"v2/{image.Repository}/manifests/{image.Tag}", timeout.Token);
            Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
            Assert.Equal(image.ManifestDigest, DigestOf(await manifest.Content.ReadAsByteArrayAsync(timeout.Token)));
            foreach (var blob in image.Blobs)
            {
                var bytes = await reader.GetByteArrayAsync($"v2/{image.Repository}/blobs/{blob}", timeout.Token);
                Assert.Equal(blob, DigestOf(bytes));
            }
        }

        // Whatever was in flight is either absent or whole: a blob answered by digest always verifies.
        foreach (var digest in attempted.Distinct())
        {
            foreach (var repository in Enumerable.Range(0, Pushers).Select(w => $"crash/w{w}"))
            {
                using var response = await reader.GetAsync($"v2/{repository}/blobs/{digest}", timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal(digest, DigestOf(await response.Content.ReadAsByteArrayAsync(timeout.Token)));
                }
                else
                {
                    Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                }
            }
        }

        // And on disk, every file at a content address holds exactly the bytes of its address.
        var blobsRoot = Path.Combine(origin.StorageRoot, "docker", "registry", "v2", "blobs", "sha256");
        var published = Directory.EnumerateFiles(blobsRoot, "data", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(published);
        foreach (var file in published)
        {
            var hex = Path.GetFileName(Path.GetDirectoryName(file)!);
            await using var stream = File.OpenRead(file);
            Assert.Equal(hex, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, timeout.Token)));
        }
    }

    private static async Task<PushedImage> PushImageAsync(HttpClient client, string repository, string tag, ConcurrentBag<string> attempted, CancellationToken cancellationToken)
    {
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"{Guid.NewGuid():N}\"}}");
        var layers = Enumerable.Range(0, 2).Select(_ => RandomNumberGenerator.GetBytes(Random.Shared.Next(200_000, 1_500_000))).ToList();
        var blobs = new List<string>();
        foreach (var blob in layers.Prepend(config))
        {
            var digest = DigestOf(blob);
            attempted.Add(digest);
            await PushBlobChunkedAsync(client, repository, blob, digest, cancellationToken);
            blobs.Add(digest);
        }

        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{blobs[0]}\",\"size\":{config.Length}}}," +
            "\"layers\":[" + string.Join(',', layers.Select((layer, i) => $"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{blobs[i + 1]}\",\"size\":{layer.Length}}}")) + "]}");
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var put = await client.PutAsync($"v2/{repository}/manifests/{tag}", content, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return new PushedImage(repository, tag, DigestOf(manifest), blobs);
    }

    private static async Task PushBlobChunkedAsync(HttpClient client, string repository, byte[] blob, string digest, CancellationToken cancellationToken)
    {
        using var start = await client.PostAsync($"v2/{repository}/blobs/uploads/", null, cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.OriginalString;
        const int chunk = 256 * 1024;
        for (var offset = 0; offset < blob.Length; offset += chunk)
        {
            var length = Math.Min(chunk, blob.Length - offset);
            var content = new ByteArrayContent(blob, offset, length);
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var patch = await client.PatchAsync(location, content, cancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
            location = patch.Headers.Location!.OriginalString;
        }

        using var put = await client.PutAsync($"{location}?digest={digest}", null, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    private static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private sealed record PushedImage(string Repository, string Tag, string ManifestDigest, IReadOnlyList<string> Blobs);
}
