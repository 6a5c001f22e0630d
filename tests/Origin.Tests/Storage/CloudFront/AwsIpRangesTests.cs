using System.Net;
using System.Text.Json;
using EdgeRegistry.Origin.Storage.CloudFront;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

public sealed class AwsIpRangesTests : IAsyncLifetime
{
    private IpRangesServer server = null!;

    public async Task InitializeAsync() => server = await IpRangesServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Contains_BeforeAnyUpdate_IsFalse()
    {
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);

        Assert.False(ranges.Contains(IPAddress.Parse("203.0.113.1")));
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task UpdateAsync_AllRegions_LoadsBothFamilies()
    {
        server.Document = IpRangesServer.Generate(
            v4: [("203.0.113.0/24", "us-east-1"), ("198.51.100.0/24", "GLOBAL")],
            v6: [("2600:1f14::/35", "us-west-2")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);

        var count = await ranges.UpdateAsync(CancellationToken.None);

        Assert.Equal(3, count);
        Assert.True(ranges.Contains(IPAddress.Parse("203.0.113.1")));
        Assert.True(ranges.Contains(IPAddress.Parse("198.51.100.1")));
        Assert.True(ranges.Contains(IPAddress.Parse("2600:1f14::1")));
        Assert.False(ranges.Contains(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public async Task UpdateAsync_Regions_KeepsOnlyTheirPrefixesCaseInsensitively()
    {
        server.Document = IpRangesServer.Generate(
            v4: [("203.0.113.0/24", "us-east-1"), ("198.51.100.0/24", "eu-west-1")],
            v6: [("2600:1f14::/35", "us-west-2"), ("2a05:d018::/36", "eu-west-1")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, ["EU-West-1"]);

        var count = await ranges.UpdateAsync(CancellationToken.None);

        Assert.Equal(2, count);
        Assert.True(ranges.Contains(IPAddress.Parse("198.51.100.1")));
        Assert.True(ranges.Contains(IPAddress.Parse("2a05:d018::1")));
        Assert.False(ranges.Contains(IPAddress.Parse("203.0.113.1")));
        Assert.False(ranges.Contains(IPAddress.Parse("2600:1f14::1")));
    }

    [Fact]
    public async Task UpdateAsync_NewDocument_ReplacesTheRanges()
    {
        server.Document = IpRangesServer.Generate(v4: [("203.0.113.0/24", "us-east-1")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        await ranges.UpdateAsync(CancellationToken.None);
        server.Document = IpRangesServer.Generate(v4: [("198.51.100.0/24", "us-east-1")]);

        await ranges.UpdateAsync(CancellationToken.None);

        Assert.False(ranges.Contains(IPAddress.Parse("203.0.113.1")));
        Assert.True(ranges.Contains(IPAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public async Task UpdateAsync_ServerError_ThrowsAndKeepsThePreviousRanges()
    {
        server.Document = IpRangesServer.Generate(v4: [("203.0.113.0/24", "us-east-1")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        await ranges.UpdateAsync(CancellationToken.None);
        server.Status = 503;

        await Assert.ThrowsAsync<HttpRequestException>(() => ranges.UpdateAsync(CancellationToken.None));

        Assert.True(ranges.Contains(IPAddress.Parse("203.0.113.1")));
    }

    [Theory]
    [InlineData("<html>moved</html>")]
    [InlineData("{\"message\":\"not ip-ranges\"}")]
    [InlineData("{\"prefixes\":[{\"ip_prefix\":\"203.0.113.0\",\"region\":\"us-east-1\"}]}")]
    public async Task UpdateAsync_NotAnIpRangesDocument_ThrowsAndKeepsThePreviousRanges(string document)
    {
        server.Document = IpRangesServer.Generate(v4: [("203.0.113.0/24", "us-east-1")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        await ranges.UpdateAsync(CancellationToken.None);
        server.Document = document;

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ranges.UpdateAsync(CancellationToken.None));

        Assert.True(exception is JsonException or FormatException, exception.GetType().Name);
        Assert.True(ranges.Contains(IPAddress.Parse("203.0.113.1")));
    }
}
