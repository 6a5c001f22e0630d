using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>
/// s3rver (npm, a fake S3 on the local file system) as a child process on a free 127.0.0.1 port with a
/// temp directory and one bucket, started by <c>s3rver-atomic.js</c> (beside this file), which makes its
/// object replacements atomic as S3's are. Found on PATH (scripts/test.sh installs it globally), else in
/// <c>~/.cache/edgeregistry/npm/s3rver-3.7.1</c>, where it is installed with npm when missing.
/// Its default account signs as <see cref="AccessKey"/>/<see cref="SecretKey"/>.
/// </summary>
internal sealed class S3rverServer : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private const string Version = "3.7.1";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private readonly Process process;
    private readonly StringBuilder output;

    private S3rverServer(Process process, StringBuilder output, int port, string directory, string bucket)
    {
        this.process = process;
        this.output = output;
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
        var script = Path.Combine(AppContext.BaseDirectory, "Storage", "S3", "s3rver-atomic.js");
        for (var attempt = 1; ; attempt++)
        {
            var directory = System.IO.Directory.CreateTempSubdirectory("edgeregistry-s3rver-").FullName;
            var port = FreePort();
            var output = new StringBuilder();
            var startInfo = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { script, package, directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture), bucket })
            {
                startInfo.ArgumentList.Add(argument);
            }

            // s3rver 3.7 encrypts list continuation tokens with a cipher Node 17+ hides behind this flag (the
            // driver pages with start-after, but any other client of this s3rver may not).
            startInfo.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = new Process { StartInfo = startInfo };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await listening.Task.WaitAsync(timeout.Token);
                return new S3rverServer(process, output, port, directory, bucket);
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
            {
                Stop(process, directory);
                string text;
                lock (output)
                {
                    text = output.ToString();
                }

                if (attempt < 3 && text.Contains("EADDRINUSE", StringComparison.Ordinal))
                {
                    continue;
                }

                throw new InvalidOperationException($"s3rver did not start on port {port}: {text}", exception);
            }

            void Append(string? line)
            {
                if (line is null)
                {
                    listening.TrySetException(new InvalidOperationException("s3rver exited"));
                    return;
                }

                lock (output)
                {
                    output.AppendLine(line);
                }

                if (line.Contains("listening", StringComparison.OrdinalIgnoreCase))
                {
                    listening.TrySetResult();
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop(process, Directory);
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process, string directory)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        process.Dispose();
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The s3rver package directory: where the s3rver command on PATH links to, else the cache.
    private static async Task<string> LocatePackageAsync(CancellationToken cancellationToken)
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
}
