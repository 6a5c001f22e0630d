using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Signing.Tests.Jws;

/// <summary>
/// CNCF distribution (Debian's <c>docker-registry</c>, which verifies schema1 signatures with Go's
/// libtrust) listening on 127.0.0.1 with a throwaway filesystem store and schema1 pushes enabled.
/// A machine without the binary fails the tests that use it, with a message saying what to install.
/// </summary>
public sealed class DistributionRegistryFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "edgeregistry-distribution-" + Guid.NewGuid().ToString("N"));
    private Process? registry;

    /// <summary>The registry's base address, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The registry's log, for assertion messages.</summary>
    public string Log => File.Exists(Path.Combine(root, "registry.log")) ? File.ReadAllText(Path.Combine(root, "registry.log")) : string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var binary = ExternalProcess.Locate(
            "docker-registry",
            "The schema1 signature check runs CNCF distribution as a real verifier (Debian: apt-get install docker-registry).");
        Directory.CreateDirectory(root);

        // Port 0 is not possible in distribution's config, so take a free port from the kernel first.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var config = Path.Combine(root, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(root, "data")}
            http:
              addr: 127.0.0.1:{port}
            compatibility:
              schema1:
                enabled: true
            """);

        var startInfo = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("serve");
        startInfo.ArgumentList.Add(config);
        registry = Process.Start(startInfo) ?? throw new InvalidOperationException("docker-registry did not start.");
        var log = new StreamWriter(Path.Combine(root, "registry.log")) { AutoFlush = true };
        registry.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        registry.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        registry.BeginOutputReadLine();
        registry.BeginErrorReadLine();

        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

        // Bounded wait for the listener: at most 100 tries, 100 ms apart.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (registry.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {registry.ExitCode}: {Log}");
            }

            try
            {
                using var response = await client.GetAsync("v2/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"docker-registry did not answer on {BaseAddress}: {Log}");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (registry is { HasExited: false })
        {
            registry.Kill(entireProcessTree: true);
            await registry.WaitForExitAsync();
        }

        registry?.Dispose();
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
