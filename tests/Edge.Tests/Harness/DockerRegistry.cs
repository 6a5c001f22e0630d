using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>
/// Debian's docker-registry (CNCF distribution 2.8) as a real origin: filesystem storage in a temp
/// directory, a free 127.0.0.1 port, optional htpasswd (bcrypt) Basic auth. Its access log, read from
/// stdout, tells which requests reached it.
/// </summary>
internal sealed partial class DockerRegistry : IAsyncDisposable
{
    private const string Binary = "/usr/bin/docker-registry";
    private readonly TempDirectory directory = new();
    private readonly ConcurrentQueue<string> accessLog = new();
    private Process? process;

    private DockerRegistry(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public string HostPort => $"127.0.0.1:{Port}";

    /// <summary>Starts a registry; with <paramref name="users"/>, only they can log in (Basic auth, bcrypt htpasswd).</summary>
    public static async Task<DockerRegistry> StartAsync(IReadOnlyDictionary<string, string>? users = null)
    {
        var registry = new DockerRegistry(FreePort());
        var auth = "";
        if (users is not null)
        {
            var htpasswd = registry.directory.Combine("htpasswd");
            await File.WriteAllLinesAsync(htpasswd, users.Select(u => $"{u.Key}:{BCrypt.Net.BCrypt.HashPassword(u.Value, workFactor: 5)}"));
            auth = $"""
                auth:
                  htpasswd:
                    realm: test-registry
                    path: {htpasswd}
                """;
        }

        var config = registry.directory.Combine("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {registry.directory.Combine("data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{registry.Port}
            {auth}
            """);
        registry.Start(config);
        await registry.WaitReadyAsync();
        return registry;
    }

    /// <summary>GETs of blobs (any repository) that reached the registry so far.</summary>
    public int BlobGets => accessLog.Count(line => BlobGet().IsMatch(line));

    /// <summary>Requests of any kind that reached the registry so far.</summary>
    public int Requests => accessLog.Count;

    /// <summary>Kills the registry: connections to its port are refused afterwards.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process?.Dispose();
        directory.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Start(string config)
    {
        var info = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "serve", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        process = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                accessLog.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync(new Uri(Url, "/v2/"));
                return true;
            }
            catch (HttpRequestException)
            {
                return process!.HasExited ? throw new InvalidOperationException("docker-registry exited at start") : false;
            }
        }, "docker-registry answers");
        accessLog.Clear();
    }

    [GeneratedRegex("\"GET /v2/\\S+/blobs/sha256:[0-9a-f]{64} HTTP")]
    private static partial Regex BlobGet();
}
