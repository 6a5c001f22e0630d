using System.Diagnostics;
using System.Text;

namespace EdgeRegistry.Origin.Tests.Harness;

/// <summary>
/// Starts a server process for a test and waits until a line of its output says it is ready. Every line
/// goes to <c>output</c> (locked), so a failure can show what the server printed.
/// </summary>
internal static class ReadyLineProcess
{
    /// <summary>
    /// Starts <paramref name="startInfo"/> (its output redirected here) and returns once a line contains
    /// <paramref name="readyText"/>. If the process exits or <paramref name="timeout"/> passes first, it is
    /// killed and <see cref="InvalidOperationException"/> names <paramref name="what"/> with the output.
    /// </summary>
    public static async Task<Process> StartAsync(
        ProcessStartInfo startInfo, string readyText, StringComparison comparison, TimeSpan timeout, StringBuilder output, string what, CancellationToken cancellationToken)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await ready.Task.WaitAsync(deadline.Token);
            return process;
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
            string printed;
            lock (output)
            {
                printed = output.ToString();
            }

            throw new InvalidOperationException($"{what} did not start: {printed}", exception);
        }

        void Append(string? line)
        {
            if (line is null)
            {
                ready.TrySetException(new InvalidOperationException($"{what} exited"));
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains(readyText, comparison))
            {
                ready.TrySetResult();
            }
        }
    }
}
