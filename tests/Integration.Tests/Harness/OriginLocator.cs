using System.Reflection;

namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>Finds the built origin (<c>EdgeRegistry.Origin.dll</c>) and the <c>dotnet</c> host to run it with.</summary>
public static class OriginLocator
{
    /// <summary>Overrides the dll path (e.g. a published build).</summary>
    public const string DllVariable = "EDGEREGISTRY_ORIGIN_DLL";

    private const string DllName = "EdgeRegistry.Origin.dll";

    /// <summary>
    /// Returns the origin dll: <see cref="DllVariable"/> if set; else src/Origin/bin/&lt;Configuration&gt;/net10.0
    /// of the repository holding this test build (same configuration as the tests); else the test output
    /// directory (the project reference copies it there).
    /// </summary>
    /// <exception cref="FileNotFoundException">No build of the origin exists.</exception>
    public static string FindOriginDll()
    {
        var overridden = Environment.GetEnvironmentVariable(DllVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return File.Exists(overridden) ? overridden : throw new FileNotFoundException($"{DllVariable} names a file that does not exist.", overridden);
        }

        var configuration = typeof(OriginLocator).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var candidates = new List<string>();
        var root = FindRepositoryRoot();
        if (root is not null)
        {
            candidates.Add(Path.Combine(root, "src", "Origin", "bin", configuration, "net10.0", DllName));
        }

        candidates.Add(Path.Combine(AppContext.BaseDirectory, DllName));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"The origin is not built; looked at: {string.Join(", ", candidates)}. Run scripts/test.sh or dotnet build -c {configuration}.");
    }

    /// <summary>The <c>dotnet</c> host: the one running these tests (DOTNET_HOST_PATH), else <c>dotnet</c> on PATH.</summary>
    public static string FindDotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? self
            : Prerequisites.RequireTool("dotnet");
    }

    /// <summary>The nearest directory above the test output that holds EdgeRegistry.sln, or null.</summary>
    public static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EdgeRegistry.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
