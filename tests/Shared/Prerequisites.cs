namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// Locates the external binaries whole-process tests drive. A missing binary fails the test with a
/// message that says how to install it; tests never skip because a peer is absent.
/// </summary>
public static class Prerequisites
{
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

    /// <summary>
    /// Returns the absolute path of <paramref name="tool"/>, searched on PATH and in the sbin directories
    /// (nginx lives in /usr/sbin, which a non-root PATH lacks).
    /// </summary>
    /// <exception cref="MissingToolException">The binary is not found.</exception>
    public static string RequireTool(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return IsExecutable(tool) ? tool : throw new MissingToolException(tool);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(directory, tool);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        throw new MissingToolException(tool);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
