using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>Runs <c>dotnet EdgeRegistry.Origin.dll admin ...</c> as its own process against an origin's config.yml.</summary>
public static class AdminCli
{
    /// <summary>Runs one admin command on <paramref name="configPath"/>; never throws on a non-zero exit.</summary>
    public static Task<ProcessResult> RunAsync(string configPath, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(
            OriginLocator.FindDotnetHost(),
            new[] { OriginLocator.FindOriginDll(), "admin" }.Concat(arguments).Concat(["--config", configPath]),
            TimeSpan.FromMinutes(1),
            ChildEnvironment.ForRegistry(null),
            cancellationToken);

    /// <summary>Runs the command and returns its stdout, failing the test with its output when it does not succeed.</summary>
    public static async Task<string> RunCheckedAsync(string configPath, CancellationToken cancellationToken, params string[] arguments) =>
        (await RunAsync(configPath, arguments, cancellationToken)).EnsureSuccess().StandardOutput;
}
