using System.Net;
using EdgeRegistry.Origin.Storage.CloudFront;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

public sealed class AwsIpRangesUpdaterTests : IAsyncLifetime
{
    private static readonly IPAddress First = IPAddress.Parse("203.0.113.1");
    private static readonly IPAddress Second = IPAddress.Parse("198.51.100.1");

    private readonly FakeTimeProvider time = new();
    private IpRangesServer server = null!;

    public async Task InitializeAsync()
    {
        server = await IpRangesServer.StartAsync();
        server.Document = IpRangesServer.Generate(v4: [("203.0.113.0/24", "us-east-1")]);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task StartAsync_Always_LoadsTheRangesBeforeReturning()
    {
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        using var updater = new AwsIpRangesUpdater(ranges, TimeSpan.FromHours(12), time, NullLogger<AwsIpRangesUpdater>.Instance);

        await updater.StartAsync(CancellationToken.None);

        Assert.True(ranges.Contains(First));
        Assert.Equal(1, server.Requests);
        await updater.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Timer_UpdateFrequencyElapsed_LoadsTheDocumentAgainAndNotBefore()
    {
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        using var updater = new AwsIpRangesUpdater(ranges, TimeSpan.FromHours(12), time, NullLogger<AwsIpRangesUpdater>.Instance);
        await updater.StartAsync(CancellationToken.None);
        server.Document = IpRangesServer.Generate(v4: [("198.51.100.0/24", "us-east-1")]);

        time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        await updater.LastUpdate;
        Assert.Equal(1, server.Requests);
        Assert.True(ranges.Contains(First));

        time.Advance(TimeSpan.FromSeconds(1));
        await updater.LastUpdate;
        Assert.Equal(2, server.Requests);
        Assert.False(ranges.Contains(First));
        Assert.True(ranges.Contains(Second));

        time.Advance(TimeSpan.FromHours(12));
        await updater.LastUpdate;
        Assert.Equal(3, server.Requests);
        await updater.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Timer_DownloadFailed_KeepsTheRangesAndRetriesAfterAMinute()
    {
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        using var updater = new AwsIpRangesUpdater(ranges, TimeSpan.FromHours(12), time, NullLogger<AwsIpRangesUpdater>.Instance);
        await updater.StartAsync(CancellationToken.None);
        server.Status = 500;
        time.Advance(TimeSpan.FromHours(12));
        await updater.LastUpdate;
        Assert.Equal(2, server.Requests);
        Assert.True(ranges.Contains(First));
        server.Status = 200;
        server.Document = IpRangesServer.Generate(v4: [("198.51.100.0/24", "us-east-1")]);

        time.Advance(AwsIpRangesUpdater.RetryAfterFailure);
        await updater.LastUpdate;

        Assert.Equal(3, server.Requests);
        Assert.True(ranges.Contains(Second));
        await updater.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_DocumentUnreachable_StartsWithNoRangesAndRetries()
    {
        server.Status = 404;
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        using var updater = new AwsIpRangesUpdater(ranges, TimeSpan.FromHours(12), time, NullLogger<AwsIpRangesUpdater>.Instance);

        await updater.StartAsync(CancellationToken.None);
        Assert.False(ranges.Contains(First));
        server.Status = 200;
        time.Advance(AwsIpRangesUpdater.RetryAfterFailure);
        await updater.LastUpdate;

        Assert.True(ranges.Contains(First));
        await updater.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StopAsync_Stopped_NoLaterDownloads()
    {
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        using var updater = new AwsIpRangesUpdater(ranges, TimeSpan.FromHours(1), time, NullLogger<AwsIpRangesUpdater>.Instance);
        await updater.StartAsync(CancellationToken.None);

        await updater.StopAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(5));
        await updater.LastUpdate;

        Assert.Equal(1, server.Requests);
    }
}
