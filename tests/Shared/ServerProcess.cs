using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// A long-running server started as a child process: its stdout and stderr are captured, readiness is
/// an HTTP probe, and it can be killed (SIGKILL), stopped (SIGTERM) and restarted with the same command.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The User-Agent of readiness probes, so that a server's access log can tell them from the requests
    /// of the test.
    /// </summary>
    public const string ReadinessUserAgent = "EdgeRegistry-Tests-Readiness/1.0";

    private const int SigTerm = 15;

    // Children must not outlive a test host that exits without disposing them.
    private static readonly ConcurrentDictionary<ServerProcess, bool> Live = new();

    private readonly CapturedOutput _output = new();
    private Process? _process;
    private int _starts;

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Live.Keys)
            {
                server.Kill();
            }
        };
    }

    private ServerProcess(ServerProcessOptions options)
    {
        Options = options;
    }

    /// <summary>The command and readiness probe this server runs with.</summary>
    public ServerProcessOptions Options { get; }

    /// <summary>Everything every run of the process printed, each run headed by a marker line.</summary>
    public string Output => _output.ToString();

    /// <summary>True while the current process has not exited.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The id of the current process, or null before the first start.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>
    /// Starts the process and waits until it is ready.
    /// </summary>
    /// <exception cref="ServerStartException">It exited early or was not ready within the timeout; the process is killed.</exception>
    public static async Task<ServerProcess> StartAsync(ServerProcessOptions options, CancellationToken cancellationToken)
    {
        var server = new ServerProcess(options);
        await server.StartCoreAsync(cancellationToken);
        return server;
    }

    /// <summary>
    /// Starts a server whose configuration needs its port up front: <paramref name="build"/> gets a free
    /// port and returns the options for it. When the server reports the address in use (another process
    /// took the port in between), it retries on a new port, three times at most.
    /// </summary>
    public static async Task<(ServerProcess Server, int Port)> StartOnFreePortAsync(Func<int, ServerProcessOptions> build, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                return (await StartAsync(build(port), cancellationToken), port);
            }
            catch (ServerStartException ex) when (ex.AddressInUse && attempt < 3)
            {
            }
        }
    }

    /// <summary>Kills the current process if it runs, then starts the same command again and waits until ready.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        Kill();
        await StartCoreAsync(cancellationToken);
    }

    /// <summary>Sends SIGKILL to the process and all its descendants and waits for it to be gone.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

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
            // Already exited and reaped.
        }

        Live.TryRemove(this, out _);
    }

    /// <summary>
    /// Sends SIGTERM and waits up to <paramref name="grace"/> for a clean exit, then kills.
    /// Returns the exit code, or null when the process had to be killed.
    /// </summary>
    public async Task<int?> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return process?.ExitCode;
        }

        _ = SendSignal(process.Id, SigTerm);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            Live.TryRemove(this, out _);
            return process.ExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            return null;
        }
    }

    /// <summary>Waits for the current process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        var process = _process ?? throw new InvalidOperationException($"{Options.Name} was never started.");
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _process?.Dispose();
        _starts++;
        var startInfo = new ProcessStartInfo(Options.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Options.WorkingDirectory is not null)
        {
            startInfo.WorkingDirectory = Options.WorkingDirectory;
        }

        foreach (var argument in Options.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        _output.AppendLine($"==== {Options.Name} start #{_starts}: {Options.FileName} {string.Join(' ', Options.Arguments)} ====");
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => _output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => _output.AppendLine(e.Data);
        process.Start();
        _process = process;
        Live[this] = true;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await WaitUntilReadyAsync(process, cancellationToken);
        }
        catch
        {
            Kill();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        using var handler = Options.CreateReadinessHandler?.Invoke() ?? new SocketsHttpHandler();
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(2) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(ReadinessUserAgent);
        var deadline = Stopwatch.StartNew();
        string lastProbe = "no probe answered yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                process.WaitForExit();
                throw Failure($"{Options.Name} exited with code {process.ExitCode} before it was ready at {Options.ReadinessUrl}.");
            }

            try
            {
                using var response = await client.GetAsync(Options.ReadinessUrl, cancellationToken);
                if (Options.IsReady(response.StatusCode))
                {
                    return;
                }

                lastProbe = $"last probe answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                lastProbe = $"last probe failed: {ex.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProbe = "last probe timed out";
            }

            if (deadline.Elapsed > Options.ReadinessTimeout)
            {
                throw Failure($"{Options.Name} was not ready at {Options.ReadinessUrl} within {Options.ReadinessTimeout.TotalSeconds:0} s ({lastProbe}).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private ServerStartException Failure(string message)
    {
        var output = Output;
        return new ServerStartException(message, output, output.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
    }

    // DllImport rather than LibraryImport: the generated marshalling would need AllowUnsafeBlocks for one int call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
