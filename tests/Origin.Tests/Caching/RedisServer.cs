using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

using EdgeRegistry.Origin.Tests.Harness;

namespace EdgeRegistry.Origin.Tests.Caching;

/// <summary>
/// redis-server as a child process on a free 127.0.0.1 port, without persistence. It can be killed and
/// started again on the same port, as an operator's Redis restarts.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private Process? process;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort());
            try
            {
                await server.StartAgainAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>SIGKILL: connections drop at once, as when Redis dies.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Starts redis-server on <see cref="Port"/> (again after <see cref="Kill"/>) and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        Kill();
        process?.Dispose();
        var binary = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var startInfo = new ProcessStartInfo(binary);
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        process = await ReadyLineProcess.StartAsync(
            startInfo, "Ready to accept connections", StringComparison.Ordinal, TimeSpan.FromSeconds(20), output, $"redis-server on {Address}", cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
