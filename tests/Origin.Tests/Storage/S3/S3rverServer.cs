using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

using EdgeRegistry.Origin.Tests.Harness;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>
/// s3rver (npm, a fake S3 on the local file system) as a child process on a free 127.0.0.1 port with a
/// temp directory and one bucket, started by <c>s3rver-atomic.js</c> (beside this file), which makes its
/// object replacements atomic as S3's are. The s3rver package is found through the <c>s3rver</c> command
/// on PATH (scripts/test.sh installs it globally), else in <c>~/.cache/edgeregistry/npm/s3rver-3.7.1</c>,
/// where it is installed with npm when missing. Its default account signs as
/// <see cref="AccessKey"/>/<see cref="SecretKey"/>. It can be killed and started again on the same port
/// and data, as an S3 outage ends.
/// </summary>
internal sealed class S3rverServer : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private const string Version = "3.7.1";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private readonly StringBuilder output = new();
    private readonly string package;
    private Process? process;

    private S3rverServer(string package, int port, string directory, string bucket)
    {
        this.package = package;
        Port = port;
        Directory = directory;
        Bucket = bucket;
    }

    public int Port { get; }

    public string Directory { get; }

    public string Bucket { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

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

    public static async Task<S3rverServer> StartAsync(string bucket, CancellationToken cancellationToken)
    {
        var package = await LocatePackageAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var server = new S3rverServer(package, FreePort(), System.IO.Directory.CreateTempSubdirectory("edgeregistry-s3rver-").FullName, bucket);
            try
            {
                await server.RestartAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>SIGKILL: S3 is down (the data directory stays).</summary>
    public void Kill()
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }

            process?.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    /// <summary>Kills s3rver if it runs and starts it again on the same port and data; returns when it listens.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        Kill();
        process?.Dispose();
        var script = Path.Combine(AppContext.BaseDirectory, "Storage", "S3", "s3rver-atomic.js");
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, package, Directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Bucket })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // s3rver 3.7 encrypts list continuation tokens with a cipher Node 17+ hides behind this flag (the
        // driver pages with start-after, but any other client of this s3rver may not).
        startInfo.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        process = await ReadyLineProcess.StartAsync(
            startInfo, "listening", StringComparison.OrdinalIgnoreCase, TimeSpan.FromSeconds(30), output, $"s3rver on port {Port}", cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The s3rver package directory: where the s3rver command on PATH links to, else the cache (installed there when missing).</summary>
    internal static async Task<string> LocatePackageAsync(CancellationToken cancellationToken)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "s3rver");
            if (File.Exists(candidate))
            {
                return PackageOf(candidate);
            }
        }

        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgeregistry", "npm", "s3rver-" + Version);
        var cached = Path.Combine(cache, "node_modules", ".bin", "s3rver");
        await InstallGate.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(cached))
            {
                System.IO.Directory.CreateDirectory(cache);
                var install = new ProcessStartInfo("npm") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[] { "install", "--no-audit", "--no-fund", "--prefix", cache, "s3rver@" + Version })
                {
                    install.ArgumentList.Add(argument);
                }

                using var npm = Process.Start(install) ?? throw new InvalidOperationException("npm did not start");
                var stdout = npm.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
                await npm.WaitForExitAsync(cancellationToken);
                if (npm.ExitCode != 0 || !File.Exists(cached))
                {
                    throw new InvalidOperationException($"s3rver is not installed and 'npm install s3rver@{Version}' failed ({npm.ExitCode}): {await stdout}{await stderr}");
                }
            }
        }
        finally
        {
            InstallGate.Release();
        }

        return PackageOf(cached);
    }

    // <package>/bin/s3rver.js, reached through npm's bin link.
    private static string PackageOf(string command)
    {
        var target = File.ResolveLinkTarget(command, returnFinalTarget: true)?.FullName ?? command;
        return Path.GetDirectoryName(Path.GetDirectoryName(target))!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
