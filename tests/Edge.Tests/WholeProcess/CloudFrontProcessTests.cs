using System.Diagnostics;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.WholeProcess;

/// <summary>The edge process refuses to start with a CloudFront key it cannot use, naming the option.</summary>
public sealed class CloudFrontProcessTests
{
    private static readonly string EdgeDll = Path.Combine(AppContext.BaseDirectory, "EdgeRegistry.Edge.dll");

    [Fact]
    public async Task Start_PrivateKeyMissing_ExitsWithCode2NamingTheOption()
    {
        using var directory = new TempDirectory();
        var missing = directory.Combine("missing.pem");

        var (exitCode, stderr) = await RunAsync(directory, missing);

        Assert.Equal(2, exitCode);
        Assert.Contains($"cloudFront.privateKey: Cannot load the RSA private key from '{missing}': the file does not exist.", stderr.Split('\n').Select(line => line.TrimEnd('\r')));
    }

    [Fact]
    public async Task Start_PrivateKeyEncrypted_ExitsWithCode2NamingTheOptionAndTheReason()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("encrypted.pem");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            File.WriteAllText(path, rsa.ExportEncryptedPkcs8PrivateKeyPem(
                "secret", new System.Security.Cryptography.PbeParameters(System.Security.Cryptography.PbeEncryptionAlgorithm.Aes256Cbc, System.Security.Cryptography.HashAlgorithmName.SHA256, 1000)));
        }

        var (exitCode, stderr) = await RunAsync(directory, path);

        Assert.Equal(2, exitCode);
        Assert.Contains(stderr.Split('\n'), line => line.StartsWith("cloudFront.privateKey: ", StringComparison.Ordinal) && line.Contains("encrypted with a passphrase", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string StandardError)> RunAsync(TempDirectory directory, string privateKey)
    {
        var config = directory.Combine("edge.yml");
        await File.WriteAllTextAsync(config, $"""
            listen: 127.0.0.1:0
            origin:
              url: http://127.0.0.1:1
            cache:
              directory: {directory.Combine("cache")}
            cloudFront:
              baseUrl: https://d111111abcdef8.cloudfront.net/
              privateKey: {privateKey}
              keyPairId: K2JCJMDEHXQW5F
            """);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { EdgeDll, "--config", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("EDGE_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await stdout;
        await process.WaitForExitAsync();
        return (process.ExitCode, stderr);
    }
}
