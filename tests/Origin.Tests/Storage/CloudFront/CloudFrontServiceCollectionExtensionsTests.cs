using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.CloudFront;
using EdgeRegistry.Origin.Storage.S3;
using EdgeRegistry.Origin.Tests.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

public sealed class CloudFrontServiceCollectionExtensionsTests : IDisposable
{
    private readonly CloudFrontKeyFiles keys = new();

    public void Dispose() => keys.Dispose();

    [Fact]
    public async Task AddCloudFrontRedirects_S3AndAKey_DecoratesTheS3DriverWithTheSigner()
    {
        var options = Load(keys.PrivateKeyPath);

        await using var provider = Build(options);

        var driver = Assert.IsType<CloudFrontStorageDriver>(provider.GetRequiredService<IStorageDriver>());
        var digest = DigestHasher.Compute("x"u8.ToArray());
        var signed = SignedCloudFrontUrl.Parse((await driver.RedirectUrlAsync(StoragePaths.BlobData(digest), "GET", CancellationToken.None))!);
        Assert.Equal($"https://d111111abcdef8.cloudfront.net/root/docker/registry/v2/blobs/sha256/{digest.Hex[..2]}/{digest.Hex}/data", signed.Resource);
        Assert.Equal("K2JCJMDEHXQW5F", signed.Parameters["Key-Pair-Id"]);
        Assert.True(signed.VerifiesWith(keys.Key));
        Assert.DoesNotContain(provider.GetServices<IHostedService>(), service => service is AwsIpRangesUpdater);
    }

    [Fact]
    public async Task AddCloudFrontRedirects_NoMiddleware_LeavesTheS3Driver()
    {
        var options = ConfigurationTestLoader.Load(S3Yaml);

        await using var provider = Build(options);

        Assert.IsType<S3StorageDriver>(provider.GetRequiredService<IStorageDriver>());
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("awsregion")]
    public async Task AddCloudFrontRedirects_IpFiltered_RunsTheRangesUpdater(string filter)
    {
        var options = Load(keys.PrivateKeyPath, $"ipfilteredby: {filter}\n        awsregion: us-east-1\n        iprangesurl: http://127.0.0.1:9/ip-ranges.json");

        await using var provider = Build(options);

        Assert.Contains(provider.GetServices<IHostedService>(), service => service is AwsIpRangesUpdater);
    }

    [Fact]
    public void AddCloudFrontRedirects_MissingKeyFile_FailsNamingPrivateKey()
    {
        var error = Fail(Load(keys.MissingPath));

        Assert.Equal($"middleware.storage[0].options.privatekey: Cannot load the RSA private key from '{keys.MissingPath}': the file does not exist.", error);
    }

    [Fact]
    public void AddCloudFrontRedirects_EncryptedKey_FailsNamingPrivateKeyAndTheReason()
    {
        var error = Fail(Load(keys.EncryptedKeyPath));

        Assert.StartsWith("middleware.storage[0].options.privatekey: ", error, StringComparison.Ordinal);
        Assert.Contains("encrypted with a passphrase", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCloudFrontRedirects_EcKey_FailsNamingPrivateKeyAndTheReason()
    {
        var error = Fail(Load(keys.EcKeyPath));

        Assert.StartsWith("middleware.storage[0].options.privatekey: ", error, StringComparison.Ordinal);
        Assert.Contains("an RSA private key is needed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCloudFrontRedirects_PublicKeyOnly_FailsNamingPrivateKeyAndTheReason()
    {
        var error = Fail(Load(keys.PublicKeyPath));

        Assert.StartsWith("middleware.storage[0].options.privatekey: ", error, StringComparison.Ordinal);
        Assert.Contains("holds a public key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCloudFrontRedirects_BadKeyPairIdAndMissingKey_ReportsBoth()
    {
        var options = Load(keys.MissingPath, keyPairId: "K2-JCJ");

        var exception = Assert.Throws<ConfigurationException>(() => new ServiceCollection().AddStorage(options.Storage).AddCloudFrontRedirects(options));

        Assert.Equal(2, exception.Errors.Count);
        Assert.StartsWith("middleware.storage[0].options.privatekey: ", exception.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("middleware.storage[0].options.keypairid: \"K2-JCJ\"", exception.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void AddCloudFrontRedirects_FilesystemDriverBuiltInCode_FailsNamingTheMiddleware()
    {
        var loaded = Load(keys.PrivateKeyPath);
        var options = loaded with
        {
            Storage = new StorageOptions { Driver = StorageDriverKind.Filesystem, Filesystem = new FilesystemStorageOptions { RootDirectory = keys.Directory } },
        };

        var error = Fail(options);

        Assert.Equal("middleware.storage[0]: cloudfront requires the s3 storage driver (storage uses filesystem)", error);
    }

    [Fact]
    public void Load_FilesystemDriverWithCloudFront_FailsNamingTheMiddleware()
    {
        var error = ConfigurationTestLoader.Fail($$"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: {{keys.Directory}}
            middleware:
              storage:
                - name: openshift
                - name: cloudfront
                  options:
                    baseurl: https://d111111abcdef8.cloudfront.net/
                    privatekey: {{keys.PrivateKeyPath}}
                    keypairid: K2JCJMDEHXQW5F
            """);

        Assert.Equal("middleware.storage[1]: cloudfront requires the s3 storage driver", Assert.Single(error.Errors));
    }

    private const string S3Yaml = """
        version: 0.1
        storage:
          s3:
            region: us-east-1
            regionendpoint: http://127.0.0.1:9
            bucket: registry
            accesskey: key
            secretkey: secret
            secure: false
            rootdirectory: /root
        """;

    private static OriginOptions Load(string privateKey, string extra = "", string keyPairId = "K2JCJMDEHXQW5F") =>
        ConfigurationTestLoader.Load($$"""
            {{S3Yaml}}
            middleware:
              storage:
                - name: cloudfront
                  options:
                    baseurl: https://d111111abcdef8.cloudfront.net/
                    privatekey: '{{privateKey}}'
                    keypairid: {{keyPairId}}
                    {{extra}}
            """);

    private static ServiceProvider Build(OriginOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(options.Storage).AddCloudFrontRedirects(options);
        return services.BuildServiceProvider();
    }

    private static string Fail(OriginOptions options)
    {
        var services = new ServiceCollection();
        var exception = Assert.Throws<ConfigurationException>(() => services.AddStorage(options.Storage).AddCloudFrontRedirects(options));
        return Assert.Single(exception.Errors);
    }
}
