using System.Net;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>Retries, rate limits, outages, the circuit breaker and corrupted bytes, through a real fault proxy in front of docker-registry.</summary>
public sealed class RemoteRegistryClientFaultTests(PlainRegistryFixture fixture) : IClassFixture<PlainRegistryFixture>, IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Reference V1 = new("v1", null);

    private FaultProxy proxy = null!;

    public async Task InitializeAsync() => proxy = await FaultProxy.StartAsync(fixture.Registry.BaseAddress);

    public async Task DisposeAsync() => await proxy.DisposeAsync();

    private RemoteRegistryClient NewClient(RemoteRegistryOptions? options = null, TimeProvider? timeProvider = null) =>
        new(
            proxy.Registry,
            (options ?? FastRetries) with
            {
                Aliases = new Dictionary<string, string> { [proxy.Registry] = $"http://{proxy.Registry}/" },
                InsecureRegistries = [proxy.Registry],
            },
            timeProvider: timeProvider);

    private static RemoteRegistryOptions FastRetries => new()
    {
        RetryCount = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
    };

    [Fact]
    public async Task GetManifestAsync_TwoServerErrorsThenSuccess_Succeeds()
    {
        using var client = NewClient();
        proxy.FailNext(2, HttpStatusCode.InternalServerError);

        var manifest = await client.GetManifestAsync("edge/app", V1, null, Ct);

        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
        Assert.Equal(3, proxy.Requests);
    }

    [Fact]
    public async Task OpenBlobAsync_GatewayTimeoutThenSuccess_StreamsTheBlob()
    {
        using var client = NewClient();
        proxy.FailNext(1, HttpStatusCode.GatewayTimeout);

        await using var blob = await client.OpenBlobAsync("edge/app", fixture.App.LayerDigest, null, Ct);
        var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy, Ct);

        Assert.Equal(fixture.App.Layer, copy.ToArray());
        Assert.Equal(2, proxy.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_ServerErrorsBeyondRetries_ThrowsUnavailableAfterEveryAttempt()
    {
        using var client = NewClient(FastRetries with { RetryCount = 2 });
        proxy.FailNext(3, HttpStatusCode.BadGateway);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", V1, null, Ct));

        Assert.Equal(ErrorCode.Unavailable, error.Error);
        Assert.Equal(3, proxy.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_NotFound_IsNotRetried()
    {
        using var client = NewClient();

        await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", new Reference("missing", null), null, Ct));

        Assert.Equal(1, proxy.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_TooManyRequestsWithRetryAfter_WaitsThatLongThenSucceeds()
    {
        var clock = new TimerRecordingTimeProvider();
        using var client = NewClient(timeProvider: clock);
        proxy.FailNext(1, HttpStatusCode.TooManyRequests, retryAfter: "7");

        var pending = client.GetManifestAsync("edge/app", V1, null, Ct);
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        var requestsWhileWaiting = proxy.Requests;
        clock.Advance(TimeSpan.FromSeconds(7));
        var manifest = await pending;

        Assert.Equal(1, requestsWhileWaiting);
        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
        Assert.Equal(2, proxy.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_RetryAfterBeyondBound_ThrowsTooManyRequestsWithoutWaiting()
    {
        using var client = NewClient(FastRetries with { MaxRetryAfter = TimeSpan.FromSeconds(30) });
        proxy.FailNext(1, HttpStatusCode.TooManyRequests, retryAfter: "3600");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", V1, null, Ct));

        Assert.Equal(ErrorCode.TooManyRequests, error.Error);
        Assert.Equal(1, proxy.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_RemoteDown_ThrowsUnavailableAndOpensTheCircuit()
    {
        var closedPort = FreePort.Next();
        var registry = $"127.0.0.1:{closedPort}";
        var options = FastRetries with
        {
            RetryCount = 5,
            BreakerMinimumThroughput = 2,
            Aliases = new Dictionary<string, string> { [registry] = $"http://{registry}/" },
            InsecureRegistries = [registry],
        };
        using var client = new RemoteRegistryClient(registry, options);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", V1, null, Ct));

        Assert.Equal(ErrorCode.Unavailable, error.Error);
        // Two refused connections open the circuit: the remaining retries fail at once instead of waiting.
        Assert.Contains("circuit open", error.Message);
    }

    [Fact]
    public async Task GetManifestAsync_RepeatedOutages_OpenTheCircuitAndStopContactingTheUpstream()
    {
        using var client = NewClient(FastRetries with { RetryCount = 0, BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5 });
        proxy.AlwaysUnavailable = true;

        var first = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", V1, null, Ct));
        var second = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", V1, null, Ct));
        var reachedUpstream = proxy.Requests;
        var third = await Assert.ThrowsAsync<RegistryException>(() => client.OpenBlobAsync("edge/app", fixture.App.LayerDigest, null, Ct));

        Assert.All([first, second, third], e => Assert.Equal(ErrorCode.Unavailable, e.Error));
        Assert.Equal(2, reachedUpstream);
        Assert.Equal(2, proxy.Requests);
        Assert.Contains("circuit open", third.Message);
    }

    [Fact]
    public async Task OpenBlobAsync_CorruptedBytes_ThrowsAtTheEndInsteadOfEndingCleanly()
    {
        using var client = NewClient();
        proxy.CorruptBodies = true;

        await using var blob = await client.OpenBlobAsync("edge/app", fixture.App.LayerDigest, null, Ct);
        var buffer = new byte[64 * 1024];
        long total = 0;
        var failure = await Assert.ThrowsAsync<DigestMismatchException>(async () =>
        {
            int read;
            while ((read = await blob.Content.ReadAsync(buffer, Ct)) > 0)
            {
                total += read;
            }
        });

        Assert.Equal(fixture.App.Layer.Length, total);
        Assert.Equal(fixture.App.LayerDigest, failure.Expected);
        Assert.Equal(ErrorCode.DigestInvalid, failure.ToRegistryException().Error);
        await Assert.ThrowsAsync<DigestMismatchException>(async () => _ = await blob.Content.ReadAsync(buffer, Ct));
    }

    [Fact]
    public async Task GetManifestAsync_CorruptedManifestByDigest_ThrowsDigestInvalid()
    {
        using var client = NewClient();
        proxy.CorruptBodies = true;

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => client.GetManifestAsync("edge/app", new Reference(null, fixture.App.ManifestDigest), null, Ct));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
    }

    [Fact]
    public async Task GetManifestAsync_CorruptedManifestByTag_ThrowsDigestInvalidAgainstAnnouncedDigest()
    {
        using var client = NewClient();
        proxy.CorruptBodies = true;

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("edge/app", V1, null, Ct));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
    }

    [Fact]
    public async Task OpenBlobAsync_UpstreamIgnoresRange_SkipsToOffsetAndStillVerifies()
    {
        using var client = NewClient();
        proxy.IgnoreRange = true;
        const int offset = 123_457;

        await using var blob = await client.OpenBlobAsync("edge/app", fixture.App.LayerDigest, offset, Ct);
        var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy, Ct);

        Assert.True(blob.IsVerified);
        Assert.Equal(fixture.App.Layer.Length - offset, blob.Length);
        Assert.Equal(fixture.App.Layer.AsSpan(offset).ToArray(), copy.ToArray());
    }
}
