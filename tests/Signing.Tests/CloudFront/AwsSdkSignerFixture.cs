using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeRegistry.Signing.Tests.CloudFront;

/// <summary>
/// AWS's own JavaScript signer (<c>@aws-sdk/cloudfront-signer</c>) run by Node.js, as an independent
/// implementation to compare signed URLs with. The package is installed once, into a cache outside the
/// repository (<c>$XDG_CACHE_HOME/edgeregistry/npm</c> or <c>~/.cache/edgeregistry/npm</c>), and reused.
/// A machine without node or npm fails the tests that use this fixture, with a message saying so.
/// </summary>
public sealed class AwsSdkSignerFixture : IAsyncLifetime
{
    /// <summary>The SDK version compared against; pinned so the comparison does not drift.</summary>
    public const string PackageVersion = "3.1166.0";

    private const string PackageName = "@aws-sdk/cloudfront-signer";

    // Reads a JSON array of getSignedUrl options on stdin, prints the JSON array of signed URLs.
    private const string Script = """
        const { getSignedUrl } = require(process.argv[2]);
        let input = '';
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', chunk => { input += chunk; });
        process.stdin.on('end', () => {
          const urls = JSON.parse(input).map(r => {
            const options = { url: r.url, keyPairId: r.keyPairId, privateKey: r.privateKey };
            if (r.dateLessThan != null) options.dateLessThan = new Date(r.dateLessThan);
            if (r.dateGreaterThan != null) options.dateGreaterThan = new Date(r.dateGreaterThan);
            if (r.ipAddress != null) options.ipAddress = r.ipAddress;
            if (r.policy != null) options.policy = r.policy;
            if (r.algorithm != null) options.algorithm = r.algorithm;
            return getSignedUrl(options);
          });
          process.stdout.write(JSON.stringify(urls));
        });
        """;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private string node = string.Empty;
    private string packageDirectory = string.Empty;
    private string scriptDirectory = string.Empty;

    /// <summary>Signs each request with the AWS SDK and returns the signed URLs in order.</summary>
    public async Task<IReadOnlyList<string>> SignAsync(IReadOnlyList<AwsSdkSignRequest> requests, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(
            node,
            [Path.Combine(scriptDirectory, "sign.cjs"), packageDirectory],
            TimeSpan.FromMinutes(2),
            environment: null,
            workingDirectory: scriptDirectory,
            standardInput: JsonSerializer.Serialize(requests, JsonOptions),
            cancellationToken);
        Assert.True(result.ExitCode == 0, $"node exited with {result.ExitCode}: {result.StandardError}");
        return JsonSerializer.Deserialize<string[]>(result.StandardOutput)
            ?? throw new InvalidOperationException("node printed no URLs");
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        node = Prerequisites.RequireTool("node");
        var npm = Prerequisites.RequireTool("npm");

        var cacheRoot = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? home : Path.GetTempPath(), ".cache");
        var installDirectory = Path.Combine(cacheRoot, "edgeregistry", "npm", "cloudfront-signer-" + PackageVersion);
        packageDirectory = Path.Combine(installDirectory, "node_modules", "@aws-sdk", "cloudfront-signer");
        if (!IsInstalled(packageDirectory))
        {
            await InstallAsync(npm, installDirectory);
        }

        scriptDirectory = Path.Combine(Path.GetTempPath(), "edgeregistry-awssdk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scriptDirectory);
        await File.WriteAllTextAsync(Path.Combine(scriptDirectory, "sign.cjs"), Script);
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        if (scriptDirectory.Length > 0 && Directory.Exists(scriptDirectory))
        {
            Directory.Delete(scriptDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static bool IsInstalled(string packageDirectory)
    {
        var manifest = Path.Combine(packageDirectory, "package.json");
        if (!File.Exists(manifest))
        {
            return false;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("version", out var version) && version.GetString() == PackageVersion;
    }

    // Installs into a staging directory first and moves it into place, so an interrupted install
    // never leaves a half-filled cache that a later run would trust.
    private static async Task InstallAsync(string npm, string installDirectory)
    {
        var staging = installDirectory + ".staging-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(staging, "package.json"), """{ "private": true }""");
            var result = await ProcessRunner.RunAsync(
                npm,
                ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", $"{PackageName}@{PackageVersion}"],
                TimeSpan.FromMinutes(5),
                environment: null,
                workingDirectory: staging,
                standardInput: null,
                CancellationToken.None);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"npm could not install {PackageName}@{PackageVersion} (exit {result.ExitCode}); the cross-check against AWS's SDK needs it.{Environment.NewLine}{result.StandardError}");
            }

            if (Directory.Exists(installDirectory))
            {
                Directory.Delete(installDirectory, recursive: true);
            }

            Directory.Move(staging, installDirectory);
        }
        catch (IOException) when (IsInstalled(Path.Combine(installDirectory, "node_modules", "@aws-sdk", "cloudfront-signer")))
        {
            // Another test run finished the same install first; its copy is as good as ours.
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
