using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// Finds TCP ports on 127.0.0.1 that nothing listens on, for child processes that need a port in their
/// configuration before they start (they cannot report back a port 0 binding).
/// </summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();

    /// <summary>
    /// Returns a port that was free a moment ago and that this process has not handed out before.
    /// Another process may still take it before the caller binds it: callers retry with a new port when
    /// the server reports the address in use.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free port found on 127.0.0.1 after 100 attempts.");
    }
}
