using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Tests.Configuration;

public sealed class HttpListenAddressTests
{
    [Theory]
    [InlineData(":5000", null, 5000, "http://*:5000")]
    [InlineData("0.0.0.0:5000", "0.0.0.0", 5000, "http://0.0.0.0:5000")]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0, "http://127.0.0.1:0")]
    [InlineData("localhost:5000", "localhost", 5000, "http://localhost:5000")]
    [InlineData("[::]:443", "::", 443, "http://[::]:443")]
    public void TryParse_HostPort_SplitsHostAndPort(string text, string? host, int port, string url)
    {
        var address = HttpListenAddress.TryParse(text);

        Assert.Equal(new HttpListenAddress(host, port), address);
        Assert.Equal(url, address!.ToUrl("http"));
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("5000")]
    [InlineData("host:")]
    [InlineData("host:http")]
    [InlineData(":65536")]
    [InlineData("::1:5000")]
    [InlineData("[nonsense]:5000")]
    [InlineData("a b:5000")]
    public void TryParse_NotHostPort_ReturnsNull(string text)
    {
        Assert.Null(HttpListenAddress.TryParse(text));
    }
}
