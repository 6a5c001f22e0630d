using System.Diagnostics;

namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>skopeo as the client, over plain HTTP to 127.0.0.1, with no trust policy and no stored credentials.</summary>
internal static class Skopeo
{
    /// <summary>Runs <c>skopeo copy</c>; fails the test with skopeo's output when it fails.</summary>
    public static Task CopyAsync(string source, string destination, string? sourceCredentials = null, string? destinationCredentials = null, bool all = false)
    {
        var args = new List<string> { "--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--preserve-digests", "--retry-times", "0" };
        if (all)
        {
            args.Add("--all");
        }

        if (sourceCredentials is not null)
        {
            args.AddRange(["--src-creds", sourceCredentials]);
        }
        else
        {
            args.Add("--src-no-creds");
        }

        if (destinationCredentials is not null)
        {
            args.AddRange(["--dest-creds", destinationCredentials]);
        }
        else
        {
            args.Add("--dest-no-creds");
        }

        args.AddRange([source, destination]);
        return RunAsync(args);
    }

    private static async Task RunAsync(IEnumerable<string> args)
    {
        using var home = new TempDirectory();
        var info = new ProcessStartInfo("/usr/bin/skopeo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No registries.conf mirrors, no auth files of the machine.
        info.Environment["HOME"] = home.Path;
        info.Environment["XDG_RUNTIME_DIR"] = home.Path;
        info.Environment["REGISTRY_AUTH_FILE"] = Path.Combine(home.Path, "auth.json");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            Assert.Fail($"skopeo {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}:\n{await stderr}\n{await stdout}");
        }
    }
}
