using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>Free TCP ports on 127.0.0.1, found at run time (other test runs share the machine).</summary>
internal static class TestPorts
{
    /// <summary>A port nothing listens on at the moment of the call.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
