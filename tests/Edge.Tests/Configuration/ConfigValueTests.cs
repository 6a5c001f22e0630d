using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Configuration;

public sealed class ConfigValueTests
{
    [Theory]
    [InlineData("1048576", 1048576L)]
    [InlineData("512MiB", 512L * 1024 * 1024)]
    [InlineData("1.5GiB", 1536L * 1024 * 1024)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("10Gi", 10L * 1024 * 1024 * 1024)]
    public void Size_KnownForms_Bytes(string text, long expected) => Assert.Equal(expected, ConfigValue.Size(text));

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:10", 10_000)]
    public void Duration_KnownForms_Milliseconds(string text, double expected) => Assert.Equal(expected, ConfigValue.Duration(text).TotalMilliseconds);

    [Theory]
    [InlineData("12XB")]
    [InlineData("-5")]
    [InlineData("")]
    public void Size_Malformed_FormatException(string text) => Assert.Throws<FormatException>(() => ConfigValue.Size(text));
}
