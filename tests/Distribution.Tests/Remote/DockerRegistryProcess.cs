using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>
/// Debian's docker-registry (CNCF distribution 2.8) as a real remote registry: started on a free port of
/// 127.0.0.1 with filesystem storage in a temp directory, optionally with TLS and an <c>auth</c> section.
/// </summary>
internal sealed class DockerRegistryProcess : IAsyncDisposable
{
    public const string Executable = "/usr/bin/docker-registry";

    private readonly Process process;
    private readonly TempDirectory directory;

    private DockerRegistryProcess(Process process, TempDirectory directory, int port, bool tls)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
        BaseUri = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}/");
    }

    public int Port { get; }

    /// <summary>The registry name clients use: <c>127.0.0.1:port</c>.</summary>
    public string Registry => $"127.0.0.1:{Port}";

    public Uri BaseUri { get; }

    /// <summary>
    /// Starts the registry. <paramref name="authYaml"/> is the config's <c>auth:</c> section (empty for none);
    /// <paramref name="tls"/> serves TLS with its server certificate. Writes nothing outside a temp directory.
    /// </summary>
    public static async Task<DockerRegistryProcess> StartAsync(Func<TempDirectory, string> authYaml, TestCertificates? tls)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: apt-get install -y docker-registry");
        }

        var directory = new TempDirectory();
        try
        {
            var auth = authYaml(directory);
            string? tlsYaml = null;
            if (tls is not null)
            {
                tls.WriteServerFiles(directory.Combine("server.crt"), directory.Combine("server.key"));
                tlsYaml = $"  tls:\n    certificate: {directory.Combine("server.crt")}\n    key: {directory.Combine("server.key")}\n";
            }

            // The port is free when picked but another process may take it before the registry binds: retry then.
            for (var attempt = 0; ; attempt++)
            {
                var port = TestPorts.Free();
                var config = directory.Combine("config.yml");
                File.WriteAllText(config, $"""
                    version: 0.1
                    log:
                      level: warn
                      accesslog:
                        disabled: true
                    storage:
                      filesystem:
                        rootdirectory: {directory.Combine("data")}
                      delete:
                        enabled: true
                      maintenance:
                        uploadpurging:
                          enabled: false
                    http:
                      addr: 127.0.0.1:{port}
                      secret: edge-registry-test-secret

                    """ + (tlsYaml ?? string.Empty) + auth);

                var output = new ConcurrentQueue<string>();
                var process = new Process
                {
                    StartInfo = new ProcessStartInfo(Executable, ["serve", config])
                    {
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                        UseShellExecute = false,
                    },
                };
                process.OutputDataReceived += (_, e) => Keep(output, e.Data);
                process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();

                var registry = new DockerRegistryProcess(process, directory, port, tls is not null);
                if (await registry.WaitUntilReadyAsync())
                {
                    return registry;
                }

                await registry.StopProcessAsync();
                var log = string.Join('\n', output);
                if (attempt >= 3 || !log.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"docker-registry did not start:\n{log}");
                }
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        directory.Dispose();
    }

    private async Task StopProcessAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private async Task<bool> WaitUntilReadyAsync()
    {
        using var handler = new SocketsHttpHandler
        {
            // Only to learn that the freshly started registry answers; the client under test verifies properly.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "v2/"));
                return true;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
            catch (TaskCanceledException)
            {
            }
        }

        return false;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }
}
