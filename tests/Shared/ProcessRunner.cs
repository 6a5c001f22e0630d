using System.Diagnostics;
using System.Text;

namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// Runs a command to completion (a one-shot tool such as skopeo, node or an admin CLI), capturing its
/// output, and kills it when it overstays. Long-running servers are <see cref="ServerProcess"/>.
/// </summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (passed verbatim, no shell) in the
    /// test process's working directory, with standard input closed at once. See the overload for the rest.
    /// </summary>
    public static Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment,
        CancellationToken cancellationToken) =>
        RunAsync(fileName, arguments, timeout, environment, workingDirectory: null, standardInput: null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (passed verbatim, no shell) in
    /// <paramref name="workingDirectory"/> (null keeps the test process's). <paramref name="standardInput"/>
    /// is written as UTF-8 and then standard input is closed (null closes it at once).
    /// <paramref name="environment"/> changes the inherited environment (null removes). On timeout the
    /// whole process tree is killed and a <see cref="TimeoutException"/> carries the output so far; on
    /// cancellation it is killed and the cancellation propagates.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment,
        string? workingDirectory,
        string? standardInput,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
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

        var commandLine = string.Join(' ', new[] { fileName }.Concat(startInfo.ArgumentList));
        using var process = new Process { StartInfo = startInfo };
        process.Start();

        // Both pipes drain concurrently (and before standard input is written) so a chatty stderr cannot
        // block a large stdout, nor a full stdout pipe the writing of a large input.
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var stdoutCopy = process.StandardOutput.BaseStream.CopyToAsync(stdout, CancellationToken.None);
        var stderrCopy = process.StandardError.BaseStream.CopyToAsync(stderr, CancellationToken.None);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), timeoutSource.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(timeoutSource.Token);
            await Task.WhenAll(stdoutCopy, stderrCopy).WaitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAny(Task.WhenAll(stdoutCopy, stderrCopy), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {timeout}.{Environment.NewLine}stdout:{Environment.NewLine}{Text(stdout)}{Environment.NewLine}stderr:{Environment.NewLine}{Text(stderr)}");
        }

        return new ProcessResult(commandLine, process.ExitCode, stdout.ToArray(), Text(stderr));
    }

    private static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());
}
