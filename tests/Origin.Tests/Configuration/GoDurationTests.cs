using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Tests.Configuration;

public sealed class GoDurationTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "168h", TimeSpan.FromHours(168) },
        { "24h", TimeSpan.FromHours(24) },
        { "10m", TimeSpan.FromMinutes(10) },
        { "300ms", TimeSpan.FromMilliseconds(300) },
        { "1h30m", TimeSpan.FromMinutes(90) },
        { "1.5h", TimeSpan.FromMinutes(90) },
        { ".5s", TimeSpan.FromMilliseconds(500) },
        { "2.s", TimeSpan.FromSeconds(2) },
        { "1m30s500ms", TimeSpan.FromMilliseconds(90_500) },
        { "250us", TimeSpan.FromMicroseconds(250) },
        { "250\u00b5s", TimeSpan.FromMicroseconds(250) },
        { "1500ns", TimeSpan.FromTicks(15) },
        { "0", TimeSpan.Zero },
        { "0s", TimeSpan.Zero },
        { "+5s", TimeSpan.FromSeconds(5) },
        { "-5s", TimeSpan.FromSeconds(-5) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_GoSyntax_ReturnsTheDuration(string text, TimeSpan expected)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(expected, duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7x")]
    [InlineData("h")]
    [InlineData("5")]
    [InlineData("1h 30m")]
    [InlineData(".s")]
    [InlineData("1.2.3s")]
    [InlineData("-")]
    [InlineData("2s.")]
    [InlineData("10d")]
    [InlineData("99999999999999999999999999999999h")]
    [InlineData("9999999999h")]
    public void TryParse_NotADuration_ReturnsFalse(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }
}
