using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Origin.Tests.Storage.S3;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>One s3rver and one origin process storing in it (redirects on), shared by the tests of a class.</summary>
public sealed class S3OriginFixture : IAsyncLifetime
{
    private S3rverServer? s3rver;
    private OriginProcess? origin;

    public OriginProcess Origin => origin ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        s3rver = await S3rverServer.StartAsync(S3OriginEnvironment.Bucket, timeout.Token);
        origin = await OriginProcess.StartAsync(
            new OriginOptions { Environment = S3OriginEnvironment.For(s3rver.Endpoint, "/roundtrip", redirect: true) },
            timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (origin is not null)
        {
            await origin.DisposeAsync();
        }

        if (s3rver is not null)
        {
            await s3rver.DisposeAsync();
        }
    }
}
