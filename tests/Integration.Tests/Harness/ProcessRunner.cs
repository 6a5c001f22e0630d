using System.Diagnostics;
using System.Text;

namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>Runs a command to completion, capturing its output, and kills it when it overstays.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (passed verbatim, no shell).
    /// Standard input is closed at once; <paramref name="environment"/> changes the inherited environment
    /// (null removes). On timeout the whole process tree is killed and a <see cref="TimeoutException"/>
    /// carries the output so far; on cancellation it is killed and the cancellation propagates.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
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
        process.StandardInput.Close();

        // Both pipes drain concurrently so a chatty stderr cannot block a large stdout.
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var stdoutCopy = process.StandardOutput.BaseStream.CopyToAsync(stdout, CancellationToken.None);
        var stderrCopy = process.StandardError.BaseStream.CopyToAsync(stderr, CancellationToken.None);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
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
