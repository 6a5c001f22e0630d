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

        // No registries.conf mirrors, no auth files of the machine.
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home.Path,
            ["XDG_RUNTIME_DIR"] = home.Path,
            ["REGISTRY_AUTH_FILE"] = Path.Combine(home.Path, "auth.json"),
        };
        var result = await ProcessRunner.RunAsync("/usr/bin/skopeo", args, TimeSpan.FromMinutes(5), environment, CancellationToken.None);
        if (!result.Succeeded)
        {
            Assert.Fail(result.ToString());
        }
    }
}
