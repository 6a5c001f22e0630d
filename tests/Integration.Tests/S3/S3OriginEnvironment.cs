using System.Globalization;
using EdgeRegistry.Origin.Tests.Storage.S3;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>
/// How an origin process is pointed at s3rver: entirely through <c>REGISTRY_STORAGE_S3_*</c> overrides (which
/// replace the harness's filesystem driver), with the credentials left out of the configuration so the
/// SDK's default chain takes them from <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>.
/// </summary>
internal static class S3OriginEnvironment
{
    public const string Bucket = "registry";

    public const int ChunkSize = 5 * 1024 * 1024;

    public static Dictionary<string, string?> For(Uri endpoint, string rootDirectory, bool redirect, string? blobDescriptorCache = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["REGISTRY_STORAGE_S3_REGION"] = "us-east-1",
            ["REGISTRY_STORAGE_S3_REGIONENDPOINT"] = endpoint.ToString(),
            ["REGISTRY_STORAGE_S3_BUCKET"] = Bucket,
            ["REGISTRY_STORAGE_S3_SECURE"] = "false",
            ["REGISTRY_STORAGE_S3_ROOTDIRECTORY"] = rootDirectory,
            ["REGISTRY_STORAGE_S3_CHUNKSIZE"] = ChunkSize.ToString(CultureInfo.InvariantCulture),
            ["REGISTRY_STORAGE_REDIRECT_DISABLE"] = redirect ? "false" : "true",
            ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rverServer.SecretKey,
            // Nothing may leave 127.0.0.1: no instance-metadata lookups, no shared profile from the developer.
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_PROFILE"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_REGION"] = null,
        };
        if (blobDescriptorCache is not null)
        {
            environment["REGISTRY_STORAGE_CACHE_BLOBDESCRIPTOR"] = blobDescriptorCache;
        }

        return environment;
    }
}
