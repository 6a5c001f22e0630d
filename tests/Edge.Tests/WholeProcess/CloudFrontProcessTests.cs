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
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name.StartsWith("EDGE_", StringComparison.Ordinal))
            .ToDictionary(name => name, _ => (string?)null);
        var result = await ProcessRunner.RunAsync("dotnet", [EdgeDll, "--config", config], TimeSpan.FromMinutes(1), environment, CancellationToken.None);
        return (result.ExitCode, result.StandardError);
    }
}
