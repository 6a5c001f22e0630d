using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.WholeProcess;

/// <summary>The edge run as its own process, configured by a YAML file and EDGE_ variables.</summary>
public sealed class EdgeProcessTests
{
    private static readonly string EdgeDll = Path.Combine(AppContext.BaseDirectory, "EdgeRegistry.Edge.dll");

    private static ProcessStartInfo StartInfo(TempDirectory directory, string configYaml)
    {
        var config = directory.Combine("edge.yml");
        File.WriteAllText(config, configYaml);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { EdgeDll, "--config", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("EDGE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        return info;
    }

    [Fact]
    public async Task Start_BadValues_ExitsNamingEachKey()
    {
        using var directory = new TempDirectory();
        var info = StartInfo(directory, """
            origin:
              url: http://127.0.0.1:1
            cache:
              directory: /tmp/never-used
              maxSize: plenty
            """);
        info.Environment["EDGE_AUTHORIZATION_TTL"] = "-5s";

        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("cache.maxSize", stderr);
        Assert.Contains("authorization.ttl", stderr);
    }

    [Fact]
    public async Task Start_ValidConfig_ServesBlobsFromOrigin()
    {
        using var directory = new TempDirectory();
        await using var origin = await FakeOrigin.StartAsync();
        var content = FakeOrigin.RandomBytes(50_000, seed: 30);
        var digest = origin.AddBlob(content);
        var port = FreePort();
        var info = StartInfo(directory, $"""
            listen: 127.0.0.1:{port}
            origin:
              url: {origin.Url}
            cache:
              directory: {directory.Combine("cache")}
              maxSize: 1GiB
            log:
              level: warning
            """);

        using var process = Process.Start(info)!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return (await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return process.HasExited ? throw new InvalidOperationException(await process.StandardError.ReadToEndAsync()) : false;
                }
            }, "the edge process answers /healthz");

            Assert.Equal(content, await client.GetByteArrayAsync($"/v2/team/app/blobs/{digest}"));
            Assert.True(File.Exists(Path.Combine(directory.Combine("cache"), "blobs", "sha256", digest.Hex[..2], digest.Hex)));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
