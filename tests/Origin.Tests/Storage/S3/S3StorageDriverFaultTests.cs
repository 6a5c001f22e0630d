using System.Net;
using System.Security.Cryptography;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.S3;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>The driver behind a proxy that fails S3 requests: retries cure transient failures, and what they cannot cure surfaces as unavailable, logged, with nothing partial visible.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3StorageDriverFaultTests(S3rverFixture s3rver) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    private readonly CapturingLogger<S3StorageDriver> logger = new();
    private S3FaultProxy? proxy;
    private S3StorageDriver? driver;

    private S3FaultProxy Proxy => proxy!;

    private S3StorageDriver Driver => driver!;

    public async Task InitializeAsync()
    {
        proxy = await S3FaultProxy.StartAsync(s3rver.Server.Endpoint);
        driver = S3rverFixture.CreateDriver(s3rver.Options(endpoint: proxy.Endpoint), logger);
    }

    public async Task DisposeAsync()
    {
        if (proxy is not null)
        {
            await proxy.DisposeAsync();
        }
    }

    [Fact]
    public async Task CommitAsync_UploadPartsFailWith500_RetriesAndTheFileMatches()
    {
        var content = Pattern((11 * MiB) + 1, seed: 1);
        Proxy.FailNext(2, IsUploadPart);
        Proxy.FailNext(1, request => HttpMethods.IsPost(request.Method) && request.Query.ContainsKey("uploadId"));

        await using (var writer = await Driver.WriterAsync("/uploads/a/data", append: false, CancellationToken.None))
        {
            await writer.WriteAsync(content, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(3, Proxy.Failed);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await Driver.GetContentAsync("/uploads/a/data", CancellationToken.None)));
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("UploadPart", StringComparison.Ordinal) && entry.Message.Contains("InternalError (500)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PutContentAsync_ThrottledWithSlowDown_RetriesAndSucceeds()
    {
        Proxy.FailNext(3, request => HttpMethods.IsPut(request.Method), HttpStatusCode.ServiceUnavailable, "SlowDown");

        await Driver.PutContentAsync("/link", "sha256:x"u8.ToArray(), CancellationToken.None);

        Assert.Equal(3, Proxy.Failed);
        Assert.Equal("sha256:x"u8.ToArray(), await Driver.GetContentAsync("/link", CancellationToken.None));
    }

    [Fact]
    public async Task GetContentAsync_EveryAttemptFails_ThrowsUnavailableAndLogsOperationAndKey()
    {
        await Driver.PutContentAsync("/blobs/b/data", Pattern(10, seed: 1), CancellationToken.None);
        Proxy.FailAll();

        var exception = await Assert.ThrowsAsync<StorageUnavailableException>(() => Driver.GetContentAsync("/blobs/b/data", CancellationToken.None));

        Assert.Equal("GetObject", exception.Operation);
        Assert.Equal(S3rverFixture.FastResilience.MaxRetryAttempts + 1, Proxy.Failed);
        var error = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Contains("GetObject", error.Message, StringComparison.Ordinal);
        Assert.Contains("/blobs/b/data", error.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceUnavailable (503)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReaderAsync_NothingListens_ThrowsUnavailable()
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        var down = S3rverFixture.CreateDriver(s3rver.Options(endpoint: closed), logger);

        var exception = await Assert.ThrowsAsync<StorageUnavailableException>(() => down.ReaderAsync("/blobs/c/data", 0, CancellationToken.None));

        Assert.Equal("GetObject", exception.Operation);
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Error && entry.Message.Contains("/blobs/c/data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatAsync_AccessDenied_IsNotRetried()
    {
        Proxy.FailNext(1, _ => true, HttpStatusCode.Forbidden, "AccessDenied");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => Driver.StatAsync("/a/b", CancellationToken.None));

        Assert.Single(Proxy.Requests);
    }

    [Fact]
    public async Task CommitAsync_S3GoesDownBeforeCompletion_NothingBecomesVisible()
    {
        var content = Pattern(6 * MiB, seed: 2);
        await using (var writer = await Driver.WriterAsync("/uploads/d/data", append: false, CancellationToken.None))
        {
            await writer.WriteAsync(content, CancellationToken.None);
            Proxy.FailAll();
            await Assert.ThrowsAsync<StorageUnavailableException>(() => writer.CommitAsync(CancellationToken.None));
            Proxy.Heal();
            await writer.CancelAsync(CancellationToken.None);
        }

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync("/uploads/d/data", CancellationToken.None));
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync("/uploads/d/data", CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_S3DownWhenAPatchEnds_PreviousPatchesStayIntact()
    {
        const string path = "/uploads/e/data";
        var first = Pattern(2 * MiB, seed: 3);
        await using (var writer = await Driver.WriterAsync(path, append: false, CancellationToken.None))
        {
            await writer.WriteAsync(first, CancellationToken.None);
        }

        var failed = await Driver.WriterAsync(path, append: true, CancellationToken.None);
        await failed.WriteAsync(Pattern(MiB, seed: 4), CancellationToken.None);
        Proxy.FailAll();
        await Assert.ThrowsAsync<StorageUnavailableException>(async () => await failed.DisposeAsync());
        Proxy.Heal();

        Assert.Equal(first.Length, (await Driver.StatAsync(path, CancellationToken.None)).Size);
        await using (var writer = await Driver.WriterAsync(path, append: true, CancellationToken.None))
        {
            Assert.Equal(first.Length, writer.Size);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(first, await Driver.GetContentAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task ReaderAsync_ConnectionBreaksMidBody_ResumesFromTheBreakWithARange()
    {
        var content = Pattern(3 * MiB, seed: 5);
        await Driver.PutContentAsync("/blobs/f/data", content, CancellationToken.None);
        Proxy.CutNext(1, request => HttpMethods.IsGet(request.Method), bytes: 100_000);

        await using var reader = await Driver.ReaderAsync("/blobs/f/data", 0, CancellationToken.None);
        using var copy = new MemoryStream();
        await reader.CopyToAsync(copy);

        Assert.Equal(SHA256.HashData(content), SHA256.HashData(copy.ToArray()));
        Assert.Equal(1, Proxy.Failed);
        var gets = Proxy.Requests.Where(request => request.StartsWith("GET ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Matches(@"range=bytes=\d+-$", gets[1]);
    }

    [Fact]
    public async Task WriteAsync_MultipartUploadGone_ThrowsNotFound()
    {
        Proxy.FailNext(1, IsUploadPart, HttpStatusCode.NotFound, "NoSuchUpload");
        await using var writer = await Driver.WriterAsync("/uploads/g/data", append: false, CancellationToken.None);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(() => writer.WriteAsync(Pattern(5 * MiB, seed: 6), CancellationToken.None));

        Assert.Equal("/uploads/g/data", exception.Path);
        await writer.CancelAsync(CancellationToken.None);
    }

    [Fact]
    public async Task PingAsync_S3Unreachable_FailsWithoutRetrying()
    {
        Proxy.FailAll();

        await Assert.ThrowsAnyAsync<Exception>(() => Driver.PingAsync(CancellationToken.None));

        Assert.Equal(1, Proxy.Failed);
    }

    private static bool IsUploadPart(HttpRequest request) =>
        HttpMethods.IsPut(request.Method) && request.Query.ContainsKey("partNumber");

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
