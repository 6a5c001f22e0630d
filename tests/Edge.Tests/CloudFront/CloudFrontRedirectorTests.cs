using System.Net;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Edge.Tests.CloudFront;

/// <summary>The edge's CloudFront policy for blob GETs, in-process in front of a fake origin, with a fake clock.</summary>
public sealed class CloudFrontRedirectorTests : IDisposable
{
    private const string Repository = "team/app";
    private const string BaseUrl = "https://d111111abcdef8.cloudfront.net/";
    private const int Threshold = 100_000;

    private readonly CloudFrontKey key = new();
    private readonly CapturedLogs logs = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, 600, TimeSpan.Zero));

    public void Dispose() => key.Dispose();

    [Fact]
    public async Task Get_MissAtThreshold_RedirectsToTheSignedUrlOfTheBlobsKeyWithoutFetching()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(Threshold, seed: 1));
        await using var edge = await StartEdgeAsync(origin, rootDirectory: "/registry");

        using var response = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal($"{BaseUrl}registry/docker/registry/v2/blobs/sha256/{digest.Hex[..2]}/{digest.Hex}/data", CloudFrontKey.Parse(location).Resource);
        Assert.True(key.Verifies(location));
        Assert.Equal(digest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(0, origin.BlobGets(digest));
        Assert.Equal(1, await edge.MetricAsync("edge_cdn_redirects_total"));
    }

    [Fact]
    public async Task Get_FakeClock_ExpiresDurationAfterNow()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(Threshold * 2, seed: 2));
        await using var edge = await StartEdgeAsync(origin, duration: TimeSpan.FromMinutes(5));
        var start = time.GetUtcNow();

        using var first = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        time.Advance(TimeSpan.FromMinutes(30));
        using var later = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(start.AddMinutes(5).ToUnixTimeSeconds(), CloudFrontKey.Expires(first.Headers.Location!).ToUnixTimeSeconds());
        Assert.Equal(start.AddMinutes(35).ToUnixTimeSeconds(), CloudFrontKey.Expires(later.Headers.Location!).ToUnixTimeSeconds());
        Assert.True(key.Verifies(later.Headers.Location!));
    }

    [Fact]
    public async Task Get_MissBelowThreshold_FilledAndServedHere()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(Threshold - 1, seed: 3);
        var digest = origin.AddBlob(content);
        await using var edge = await StartEdgeAsync(origin);

        using var response = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(0, await edge.MetricAsync("edge_cdn_redirects_total"));
    }

    [Fact]
    public async Task Get_WithoutBackgroundFill_EveryMissIsRedirectedAndNothingFetched()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(Threshold * 3, seed: 4));
        await using var edge = await StartEdgeAsync(origin);

        using var first = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        using var second = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, second.StatusCode);
        Assert.Equal(0, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_BackgroundFill_RedirectsOnceThenServesTheCachedCopy()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(Threshold * 3, seed: 5);
        var digest = origin.AddBlob(content);
        await using var edge = await StartEdgeAsync(origin, backgroundFill: true);

        using var first = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, first.StatusCode);
        await Eventually.TrueAsync(async () => await edge.MetricAsync("edge_fills_total{result=\"succeeded\"}") == 1, "the background fill finished");
        using var second = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(content, await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, origin.BlobGets(digest));
        Assert.Equal(1, await edge.MetricAsync("edge_cdn_redirects_total"));
    }

    [Fact]
    public async Task Get_FillRunning_JoinsTheFillInsteadOfRedirecting()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(Threshold * 3, seed: 6);
        var digest = origin.AddBlob(content, holdAt: 1000);
        await using var edge = await StartEdgeAsync(origin, backgroundFill: true);
        using var first = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, first.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(origin.BlobGets(digest) == 1), "the background fill started");

        using var joined = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
        origin.Release(digest);

        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Equal(content, await joined.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, origin.BlobGets(digest));
    }

    [Fact]
    public async Task Get_OriginRefusesTheClient_PassesTheRefusalOnAndDoesNotSign()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(Threshold * 2, seed: 7));
        origin.AllowedCredentials = [FakeOrigin.Basic("alice", "secret")];
        await using var edge = await StartEdgeAsync(origin);

        using var anonymous = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Authorization", FakeOrigin.Basic("mallory", "guess"));
        using var wrong = await edge.Client.SendAsync(request);
        using var allowedRequest = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Repository}/blobs/{digest}");
        allowedRequest.Headers.TryAddWithoutValidation("Authorization", FakeOrigin.Basic("alice", "secret"));
        using var allowed = await edge.Client.SendAsync(allowedRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic realm=\"fake-origin\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Null(anonymous.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Null(wrong.Headers.Location);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, allowed.StatusCode);
        Assert.True(key.Verifies(allowed.Headers.Location!));
    }

    [Fact]
    public async Task Head_AboveThreshold_AnsweredWithTheSizeNotRedirected()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(Threshold * 2, seed: 8));
        await using var edge = await StartEdgeAsync(origin);

        using var response = await edge.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/blobs/{digest}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Threshold * 2, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Get_Redirected_LogsTheDigestButNeverTheSignedUrl()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(Threshold, seed: 9));
        await using var edge = await StartEdgeAsync(origin, backgroundFill: true);

        using var response = await edge.Client.GetAsync($"/v2/{Repository}/blobs/{digest}");
        await Eventually.TrueAsync(async () => await edge.MetricAsync("edge_fills_total{result=\"succeeded\"}") == 1, "the background fill finished");

        var (_, parameters) = CloudFrontKey.Parse(response.Headers.Location!);
        Assert.Contains(logs.Lines, line => line.Contains($"{Repository}@{digest}", StringComparison.Ordinal) && line.Contains("redirected to CDN", StringComparison.Ordinal));
        Assert.DoesNotContain(parameters["Signature"], logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature=", logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("cloudfront.net", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_KeyFileMissing_FailsNamingThePrivateKeyOption()
    {
        await using var origin = await FakeOrigin.StartAsync();
        using var directory = new TempDirectory();
        var missing = directory.Combine("missing.pem");

        var exception = Assert.Throws<EdgeConfigurationException>(() => EdgeApp.Build([], Options(origin, directory.Path) with
        {
            CloudFront = new CloudFrontOptions { BaseUrl = new Uri(BaseUrl), PrivateKey = missing, KeyPairId = CloudFrontKey.KeyPairId },
        }));

        Assert.Equal($"cloudFront.privateKey: Cannot load the RSA private key from '{missing}': the file does not exist.", Assert.Single(exception.Errors));
    }

    [Fact]
    public async Task Build_EcKey_FailsNamingThePrivateKeyOptionAndTheReason()
    {
        await using var origin = await FakeOrigin.StartAsync();
        using var directory = new TempDirectory();
        var path = directory.Combine("ec.pem");
        using (var ec = System.Security.Cryptography.ECDsa.Create())
        {
            File.WriteAllText(path, ec.ExportECPrivateKeyPem());
        }

        var exception = Assert.Throws<EdgeConfigurationException>(() => EdgeApp.Build([], Options(origin, directory.Path) with
        {
            CloudFront = new CloudFrontOptions { BaseUrl = new Uri(BaseUrl), PrivateKey = path, KeyPairId = CloudFrontKey.KeyPairId },
        }));

        var error = Assert.Single(exception.Errors);
        Assert.StartsWith("cloudFront.privateKey: ", error, StringComparison.Ordinal);
        Assert.Contains("an RSA private key is needed", error, StringComparison.Ordinal);
    }

    private static EdgeOptions Options(FakeOrigin origin, string cacheDirectory) => new()
    {
        Listen = "127.0.0.1:0",
        Origin = new OriginOptions { Url = origin.Url },
        Cache = new CacheOptions { Directory = cacheDirectory },
    };

    private Task<EdgeHost> StartEdgeAsync(FakeOrigin origin, string rootDirectory = "", TimeSpan? duration = null, bool backgroundFill = false) =>
        EdgeHost.StartAsync(
            origin.Url,
            options => options with
            {
                Log = new LogOptions { Level = "information" },
                CloudFront = new CloudFrontOptions
                {
                    BaseUrl = new Uri(BaseUrl),
                    PrivateKey = key.PrivateKeyPath,
                    KeyPairId = CloudFrontKey.KeyPairId,
                    Duration = duration ?? TimeSpan.FromMinutes(20),
                    ThresholdBytes = Threshold,
                    BackgroundFill = backgroundFill,
                    RootDirectory = rootDirectory,
                },
            },
            time,
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
}
