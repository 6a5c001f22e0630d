using System.Text;

namespace EdgeRegistry.Tests.Shared;

/// <summary>How a finished command ended: its exit code and everything it printed.</summary>
/// <param name="StandardOutputBytes">Stdout exactly as written (e.g. a raw manifest whose digest matters).</param>
public sealed record ProcessResult(string CommandLine, int ExitCode, byte[] StandardOutputBytes, string StandardError)
{
    /// <summary>Stdout decoded as UTF-8.</summary>
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    /// <summary>True when the exit code is 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with the command line and both streams unless the command succeeded.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(ToString());
        }

        return this;
    }

    public override string ToString() =>
        $"`{CommandLine}` exited with {ExitCode}.{Environment.NewLine}stdout:{Environment.NewLine}{StandardOutput}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}";
}
