using System.Net;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.Cache;

public sealed class BlobEndpointTests
{
    private const string Repository = "team/app";

    [Fact]
    public async Task Get_SixteenConcurrentColdClients_OneOriginGetAndSameBytes()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(100 * 1024 * 1024, seed: 1);
        var digest = origin.AddBlob(content, holdAt: 1024 * 1024);
        await using var edge = await EdgeHost.StartAsync(origin.Url);

        // The origin holds the body after 1 MiB, so the fill cannot end before every client has its response headers.
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead)));
        origin.Release(digest);
        var digests = await Task.WhenAll(responses.Select(async response =>
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(content.Length, response.Content.Headers.ContentLength);
                return await FakeOrigin.DigestOfAsync(await response.Content.ReadAsStreamAsync());
            }
        }));

        Assert.All(digests, d => Assert.Equal(digest, d));
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_Cached_ServedWithoutOriginGetAndWithOriginHeaders()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(300_000, seed: 2);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url);

        Assert.Equal(content, await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}"));
        using var second = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(content, await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), second.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal("application/octet-stream", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", second.Headers.AcceptRanges.Single());
        Assert.Equal($"\"{digest}\"", second.Headers.ETag?.Tag);
        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(1, await edge.MetricAsync("edge_cache_hits_total{kind=\"blob\"}"));
        Assert.Equal(1, await edge.MetricAsync("edge_cache_misses_total{kind=\"blob\"}"));
    }

    [Fact]
    public async Task Get_CachedOnFreshConnectionsWithSendfile_SentWithSendfileAndConnectionClose()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(24 * 1024 * 1024, seed: 10);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, WithSendfile);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        for (var i = 0; i < 8; i++)
        {
            // A new client is a new connection, so the blob GET is its first request: the sendfile path.
            using var fresh = new HttpClient { BaseAddress = edge.Url };
            using var response = await fresh.GetAsync($"/v2/{Repository}/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.ConnectionClose);
            Assert.Equal(content.Length, response.Content.Headers.ContentLength);
            Assert.Equal(digest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal($"\"{digest}\"", response.Headers.ETag?.Tag);
            Assert.Equal(digest, await FakeOrigin.DigestOfAsync(await response.Content.ReadAsStreamAsync()));
        }

        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(8, await edge.MetricAsync("edge_cache_hits_total{kind=\"blob\"}"));
    }

    [Fact]
    public async Task Get_CachedOnFreshConnectionByDefault_ServedThroughKestrelAndKeepsAlive()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(5 * 1024 * 1024, seed: 13);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        using var fresh = new HttpClient { BaseAddress = edge.Url };
        using var response = await fresh.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.ConnectionClose);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_CachedSecondRequestOnConnection_ServedThroughKestrelAndKeepsAlive()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(3 * 1024 * 1024, seed: 11);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        using var client = new HttpClient { BaseAddress = edge.Url };
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/blobs/{digest}"));
        using var response = await client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.NotEqual(true, head.Headers.ConnectionClose);
        Assert.NotEqual(true, response.Headers.ConnectionClose);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());

        // A range across the MiB boundaries the copy works in, on the same kept-alive connection.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{digest}");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1_000_000, 2_200_000);
        using var partial = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[1_000_000..2_200_001], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_ClientLeavesDuringSendfile_NextClientServedWhole()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(32 * 1024 * 1024, seed: 12);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url, WithSendfile);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        using (var leaving = new HttpClient { BaseAddress = edge.Url })
        {
            using var response = await leaving.GetAsync($"/v2/{Repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
            Assert.True(response.Headers.ConnectionClose);
            await using var body = await response.Content.ReadAsStreamAsync();
            var some = new byte[64 * 1024];
            await body.ReadExactlyAsync(some);
            Assert.Equal(content[..some.Length], some);
        }

        using var fresh = new HttpClient { BaseAddress = edge.Url };
        Assert.Equal(content, await fresh.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}"));
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_CachedWithRange_PartialContent()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(100_000, seed: 3);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{digest}");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1000, 1999);
        using var partial = await edge.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("bytes 1000-1999/100000", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal(content[1000..2000], await partial.Content.ReadAsByteArrayAsync());

        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{digest}");
        beyond.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(200_000, null);
        using var unsatisfiable = await edge.Client.SendAsync(beyond);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal("bytes */100000", unsatisfiable.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Head_Cached_HeadersWithoutBody()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(5000, seed: 4);
        var digest = origin.AddBlob(content);
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}");

        using var head = await edge.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(5000, head.Content.Headers.ContentLength);
        Assert.Equal(digest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task Get_ClientDisconnectsMidFill_FillCompletesAndIsCached()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(8 * 1024 * 1024, seed: 5);
        var digest = origin.AddBlob(content, holdAt: 1024 * 1024);
        await using var edge = await EdgeHost.StartAsync(origin.Url);

        using (var client = new HttpClient { BaseAddress = edge.Url })
        {
            using var response = await client.GetAsync($"/v2/{Repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var some = new byte[64 * 1024];
            await body.ReadExactlyAsync(some);
            Assert.Equal(content[..some.Length], some);
        }

        origin.Release(digest);
        await Eventually.TrueAsync(async () => await edge.MetricAsync("edge_fills_total{result=\"succeeded\"}") == 1, "the fill completes");

        Assert.Equal(content, await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}"));
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_OriginSendsWrongBytes_ResponseAbortedNothingCachedNextRequestRefetches()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(4 * 1024 * 1024, seed: 6);
        var wrong = (byte[])content.Clone();
        wrong[^1] ^= 0xff;

        // The origin holds the last (wrong) byte back: clients are served from the growing file meanwhile.
        var digest = origin.AddBlob(content, served: wrong, holdAt: content.Length - 1);
        await using var edge = await EdgeHost.StartAsync(origin.Url);

        var received = 0L;
        using var response = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
        var reading = Task.Run(async () =>
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                Interlocked.Add(ref received, read);
            }
        });
        await Eventually.TrueAsync(() => Task.FromResult(Interlocked.Read(ref received) >= content.Length - 2 || reading.IsCompleted), "the client has what the origin sent");
        Assert.False(reading.IsCompleted, $"the response ended before the digest was known: {reading.Exception}");
        origin.Release(digest);

        await Assert.ThrowsAnyAsync<Exception>(() => reading);
        Assert.True(Interlocked.Read(ref received) < content.Length, $"the client received all {content.Length} bytes");
        // The fill aborts its readers as it fails and counts the failure after: the client may see the abort first.
        await Eventually.TrueAsync(async () => await edge.MetricAsync("edge_fills_total{result=\"failed\"}") == 1, "the fill is counted as failed");

        origin.Fix(digest, content);
        Assert.Equal(content, await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{digest}"));
        Assert.Equal(2, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_UnknownBlob_OriginAnswerPassedBack()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        var digest = DigestHasher.Compute("nothing"u8);

        using var response = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("BLOB_UNKNOWN", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_OriginDownAndNotCached_ServiceUnavailableWithErrorBody()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        await origin.StopAsync();
        var digest = DigestHasher.Compute("absent"u8);

        using var response = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("UNAVAILABLE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_CacheOverLimit_LeastRecentlyUsedEvictedButNotTheFileBeingServed()
    {
        const int MiB = 1024 * 1024;
        await using var origin = await FakeOrigin.StartAsync();
        var small = FakeOrigin.RandomBytes(4 * MiB, seed: 7);
        var large = FakeOrigin.RandomBytes(30 * MiB, seed: 8);
        var last = FakeOrigin.RandomBytes(8 * MiB, seed: 9);
        var (smallDigest, largeDigest, lastDigest) = (origin.AddBlob(small), origin.AddBlob(large), origin.AddBlob(last));
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => o with
        {
            Cache = o.Cache with { MaxSize = 40 * MiB, HighWatermark = 0.9, LowWatermark = 0.5 },
        });
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{smallDigest}");
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{largeDigest}");

        // A slow client holds the large file open; it is the least recently used after the small one.
        using var slow = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{largeDigest}", HttpCompletionOption.ResponseHeadersRead);
        await using var slowBody = await slow.Content.ReadAsStreamAsync();
        var head = new byte[64 * 1024];
        await slowBody.ReadExactlyAsync(head);
        await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{lastDigest}");
        await Eventually.TrueAsync(async () => await edge.MetricAsync("edge_cache_evictions_total") >= 1, "eviction runs");
        Assert.True(File.Exists(Path.Combine(edge.Options.Cache.Directory, "blobs", "sha256", largeDigest.Hex[..2], largeDigest.Hex)));

        var rest = await FakeOrigin.DigestOfAsync(new ConcatStream(head, slowBody));
        Assert.Equal(largeDigest, rest);
        Assert.True(await edge.MetricAsync("edge_cache_size_bytes") <= 40 * MiB);
        Assert.Equal(small, await edge.Client.GetByteArrayAsync($"/v2/{Repository}/blobs/{smallDigest}"));
        Assert.Equal(2, origin.BlobGets(smallDigest));
        Assert.Equal(1, origin.BlobGets(largeDigest));
    }

    /// <summary>Bytes already read followed by the rest of a stream.</summary>
    private sealed class ConcatStream(byte[] first, Stream rest) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (position < first.Length)
            {
                var n = Math.Min(buffer.Length, first.Length - position);
                first.AsMemory(position, n).CopyTo(buffer);
                position += n;
                return n;
            }

            return await rest.ReadAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static EdgeOptions WithSendfile(EdgeOptions options) => options with { Cache = options.Cache with { Sendfile = true } };
}
