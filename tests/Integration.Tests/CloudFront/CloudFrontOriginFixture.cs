using System.Security.Cryptography;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.S3;
using EdgeRegistry.Origin.Tests.Storage.S3;

namespace EdgeRegistry.Integration.Tests.CloudFront;

/// <summary>
/// s3rver, a <see cref="FakeCloudFront"/> in front of its bucket trusting a key generated here, and an origin
/// storing in the bucket with the cloudfront middleware signing for that distribution.
/// </summary>
public sealed class CloudFrontOriginFixture : IAsyncLifetime
{
    public const string RootDirectory = "/cloudfront";

    private readonly TempDirectory directory = new("cloudfront-");
    private S3rverServer? s3rver;
    private FakeCloudFront? cloudFront;
    private OriginProcess? origin;

    public RSA Key { get; } = RSA.Create(2048);

    public string PrivateKeyPath { get; private set; } = string.Empty;

    internal S3rverServer S3 => s3rver ?? throw new InvalidOperationException("The fixture is not initialized.");

    internal FakeCloudFront CloudFront => cloudFront ?? throw new InvalidOperationException("The fixture is not initialized.");

    public OriginProcess Origin => origin ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        PrivateKeyPath = CloudFrontOrigin.WritePrivateKey(directory, Key);
        s3rver = await S3rverServer.StartAsync(S3OriginEnvironment.Bucket, timeout.Token);
        cloudFront = await FakeCloudFront.StartAsync(
            s3rver.Endpoint, S3rverServer.AccessKey, S3rverServer.SecretKey, S3OriginEnvironment.Bucket, CloudFrontOrigin.KeyPairId, Key);
        origin = await OriginProcess.StartAsync(
            CloudFrontOrigin.Options(s3rver.Endpoint, RootDirectory, CloudFrontOrigin.MiddlewareYaml(cloudFront.BaseUrl, PrivateKeyPath)),
            timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (origin is not null)
        {
            await origin.DisposeAsync();
        }

        if (cloudFront is not null)
        {
            await cloudFront.DisposeAsync();
        }

        if (s3rver is not null)
        {
            await s3rver.DisposeAsync();
        }

        Key.Dispose();
        directory.Dispose();
    }
}
