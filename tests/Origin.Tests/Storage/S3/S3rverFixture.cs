using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Storage.S3;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>One s3rver for every S3 test; each driver it makes has a root directory of its own, so tests start empty.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "registry";

    private S3rverServer? server;

    internal S3rverServer Server => server ?? throw new InvalidOperationException("s3rver is not started");

    /// <summary>Retries fast enough for tests and no longer than a test should wait.</summary>
    internal static S3ResilienceOptions FastResilience { get; } = new()
    {
        MaxRetryAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(100),
        AttemptTimeout = TimeSpan.FromSeconds(20),
    };

    public async Task InitializeAsync()
    {
        server = await S3rverServer.StartAsync(Bucket, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>The options of a driver on this s3rver (or on <paramref name="endpoint"/>, a proxy in front of it) below a fresh root directory.</summary>
    internal S3StorageOptions Options(string? rootDirectory = null, long chunkSize = S3StorageOptions.MinimumChunkSize, Uri? endpoint = null) => new()
    {
        AccessKey = S3rverServer.AccessKey,
        SecretKey = S3rverServer.SecretKey,
        Region = "us-east-1",
        RegionEndpoint = endpoint ?? Server.Endpoint,
        Bucket = Bucket,
        Secure = false,
        ChunkSize = chunkSize,
        RootDirectory = rootDirectory ?? "/test-" + Guid.NewGuid().ToString("N"),
        ForcePathStyle = true,
    };

    /// <summary>A driver with a client of its own, as another origin replica would have.</summary>
    internal static S3StorageDriver CreateDriver(S3StorageOptions options, ILogger<S3StorageDriver>? logger = null, S3ResilienceOptions? resilience = null, int listPageSize = 1000)
    {
        resilience ??= FastResilience;
        return new S3StorageDriver(
            S3ClientFactory.Create(options, resilience),
            options,
            resilience,
            TimeProvider.System,
            logger ?? NullLogger<S3StorageDriver>.Instance)
        {
            ListPageSize = listPageSize,
        };
    }
}
