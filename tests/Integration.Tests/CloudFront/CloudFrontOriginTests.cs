using System.Net;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.S3;
using EdgeRegistry.Origin.Tests.Storage.CloudFront;

namespace EdgeRegistry.Integration.Tests.CloudFront;

/// <summary>
/// The origin process with the cloudfront storage middleware: skopeo pushes to it and pulls from it, blob
/// GETs answer 307 to URLs signed for the distribution, and a stand-in CloudFront that checks signatures as
/// CloudFront does serves the bytes from the same bucket.
/// </summary>
public sealed class CloudFrontOriginTests(CloudFrontOriginFixture fixture) : IClassFixture<CloudFrontOriginFixture>, IDisposable
{
    private readonly OciLayoutBuilder layout = new();
    private readonly Skopeo skopeo = new();
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromMinutes(3));

    public void Dispose()
    {
        layout.Dispose();
        skopeo.Dispose();
        timeout.Dispose();
    }

    [Fact]
    public async Task GetBlob_AfterSkopeoPush_AnswersTemporaryRedirectToTheSignedCloudFrontUrlOfItsKey()
    {
        var image = layout.AddImage("v1", layerCount: 2, layerSize: 50_000);
        var repository = "cdn/push-" + Guid.NewGuid().ToString("N")[..8];
        (await skopeo.CopyAsync(image.Reference, fixture.Origin.ImageReference(repository, "v1"), null, fixture.Origin.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Origin.BaseAddress };
        using var plain = new HttpClient();

        foreach (var blob in image.AllBlobs)
        {
            using var response = await client.GetAsync($"v2/{repository}/blobs/{blob.Digest}", timeout.Token);

            Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
            Assert.Equal(blob.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
            var signed = SignedCloudFrontUrl.Parse(response.Headers.Location!);
            var hex = blob.Digest["sha256:".Length..];
            Assert.Equal($"{fixture.CloudFront.BaseUrl}cloudfront/docker/registry/v2/blobs/sha256/{hex[..2]}/{hex}/data", signed.Resource);
            Assert.Equal(CloudFrontOrigin.KeyPairId, signed.Parameters["Key-Pair-Id"]);
            Assert.True(signed.VerifiesWith(fixture.Key));
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(await plain.GetByteArrayAsync(response.Headers.Location, timeout.Token)));
        }
    }

    [Fact]
    public async Task GetBlob_SignatureTamperedWith_TheDistributionRefusesIt()
    {
        var image = layout.AddImage("v1", layerCount: 1, layerSize: 10_000);
        var repository = "cdn/tamper-" + Guid.NewGuid().ToString("N")[..8];
        (await skopeo.CopyAsync(image.Reference, fixture.Origin.ImageReference(repository, "v1"), null, fixture.Origin.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Origin.BaseAddress };
        using var response = await client.GetAsync($"v2/{repository}/blobs/{image.Layers[0].Digest}", timeout.Token);
        var location = response.Headers.Location!.AbsoluteUri;
        var expires = SignedCloudFrontUrl.Parse(response.Headers.Location).Parameters["Expires"];

        using var plain = new HttpClient();
        using var later = await plain.GetAsync(location.Replace($"Expires={expires}", $"Expires={long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) + 3600}", StringComparison.Ordinal), timeout.Token);
        using var other = await plain.GetAsync(location.Replace(image.Layers[0].Digest["sha256:".Length..], image.Config!.Digest["sha256:".Length..], StringComparison.Ordinal), timeout.Token);

        Assert.Equal(HttpStatusCode.Forbidden, later.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Copy_FromTheOrigin_SkopeoPullsEveryBlobThroughCloudFront()
    {
        var image = layout.AddImage("v1", layerCount: 3, layerSize: 40_000);
        var repository = "cdn/pull-" + Guid.NewGuid().ToString("N")[..8];
        (await skopeo.CopyAsync(image.Reference, fixture.Origin.ImageReference(repository, "v1"), null, fixture.Origin.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        var servedBefore = fixture.CloudFront.Served;
        var outLayout = layout.NewPath("out");

        (await skopeo.CopyAsync(fixture.Origin.ImageReference(repository, "v1"), $"oci:{outLayout}:v1", fixture.Origin.Access, null, cancellationToken: timeout.Token)).EnsureSuccess();

        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "v1").Digest);
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(outLayout, blob.Digest)));
        }

        Assert.True(fixture.CloudFront.Served - servedBefore >= image.AllBlobs.Count, $"CloudFront served {fixture.CloudFront.Served - servedBefore} of {image.AllBlobs.Count} blobs");
        Assert.DoesNotContain("Signature=", fixture.Origin.Output, StringComparison.Ordinal);
        Assert.Contains("Blob GETs redirect to CloudFront", fixture.Origin.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetBlob_ClientInTheFilteredAwsRegion_GetsThePresignedS3UrlInstead()
    {
        await using var ranges = await IpRangesServer.StartAsync();
        ranges.Document = IpRangesServer.Generate(v4: [("127.0.0.0/8", "eu-west-1"), ("198.51.100.0/24", "us-east-1")]);
        await using var origin = await OriginProcess.StartAsync(
            CloudFrontOrigin.Options(
                fixture.S3.Endpoint,
                "/cloudfront-filtered",
                CloudFrontOrigin.MiddlewareYaml(
                    fixture.CloudFront.BaseUrl,
                    fixture.PrivateKeyPath,
                    $"        ipfilteredby: awsregion\n        awsregion: eu-west-1\n        iprangesurl: {ranges.Url}\n        updatefrequency: 1h")),
            timeout.Token);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = origin.BaseAddress };
        var content = BlobUploads.Pattern(20_000, seed: 3);
        var digest = BlobUploads.DigestOf(content);
        await BlobUploads.PushAsync(client, "cdn/filtered", content, timeout.Token);

        using var response = await client.GetAsync($"v2/cdn/filtered/blobs/{digest}", timeout.Token);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(fixture.S3.Endpoint.Authority, location.Authority);
        Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);
        using var plain = new HttpClient();
        Assert.Equal(content, await plain.GetByteArrayAsync(location, timeout.Token));
        Assert.Equal(1, ranges.Requests);
        Assert.Contains($"Loaded 1 AWS IP prefixes from {ranges.Url}", origin.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MissingPrivateKey_ExitsWithCode2AndALineNamingTheOption()
    {
        using var directory = new TempDirectory("cloudfront-bad-");
        var missing = directory.Combine("missing.pem");

        var (exitCode, stderr) = await RunOriginAsync(directory, S3Storage, CloudFrontOrigin.MiddlewareYaml(fixture.CloudFront.BaseUrl, missing));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"configuration error: middleware.storage[0].options.privatekey: Cannot load the RSA private key from '{missing}': the file does not exist.", line);
    }

    [Fact]
    public async Task Start_FilesystemDriver_ExitsWithCode2AndALineNamingTheMiddleware()
    {
        using var directory = new TempDirectory("cloudfront-fs-");
        var storage = $"storage:\n  filesystem:\n    rootdirectory: '{directory.Combine("storage")}'";

        var (exitCode, stderr) = await RunOriginAsync(directory, storage, CloudFrontOrigin.MiddlewareYaml(fixture.CloudFront.BaseUrl, fixture.PrivateKeyPath));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("configuration error: middleware.storage[0]: cloudfront requires the s3 storage driver", line);
    }

    private const string S3Storage = """
        storage:
          s3:
            region: us-east-1
            regionendpoint: http://127.0.0.1:9
            bucket: registry
            accesskey: key
            secretkey: secret
            secure: false
        """;

    private async Task<(int ExitCode, string StandardError)> RunOriginAsync(TempDirectory directory, string storage, string middleware)
    {
        var config = directory.Combine("config.yml");
        await File.WriteAllTextAsync(config, $"version: 0.1\nhttp:\n  addr: 127.0.0.1:{FreePort.Next()}\n{storage}\n{middleware}\n", timeout.Token);
        var result = await ProcessRunner.RunAsync(
            OriginLocator.FindDotnetHost(),
            [OriginLocator.FindOriginDll(), config],
            TimeSpan.FromMinutes(1),
            ChildEnvironment.ForRegistry(null),
            workingDirectory: directory.Path,
            standardInput: null,
            timeout.Token);
        return (result.ExitCode, result.StandardError);
    }
}
