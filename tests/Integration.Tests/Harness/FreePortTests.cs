using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Integration.Tests.Harness;

public sealed class FreePortTests
{
    [Fact]
    public void Next_CalledTwice_ReturnsDistinctBindablePorts()
    {
        var first = FreePort.Next();
        var second = FreePort.Next();

        Assert.NotEqual(first, second);
        foreach (var port in new[] { first, second })
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            Assert.Equal(port, ((IPEndPoint)listener.LocalEndpoint).Port);
        }
    }
}
