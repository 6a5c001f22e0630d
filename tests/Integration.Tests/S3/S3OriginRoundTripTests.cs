using System.Net;
using EdgeRegistry.Integration.Tests.RoundTrips;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>The skopeo round trips against an origin storing in S3 (s3rver), blobs served by 307 to presigned URLs.</summary>
public sealed class S3OriginRoundTripTests(S3OriginFixture fixture)
    : RegistryRoundTripTests(fixture.Origin), IClassFixture<S3OriginFixture>
{
    [Fact]
    public async Task GetBlob_RedirectEnabled_AnswersTemporaryRedirectWhoseLocationServesTheExactBytes()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Origin.BaseAddress };
        var content = BlobUploads.Pattern(300_000, seed: 11);
        var digest = BlobUploads.DigestOf(content);
        await BlobUploads.PushAsync(client, "redirect/blob", content, timeout.Token);

        using var response = await client.GetAsync($"v2/redirect/blob/blobs/{digest}", timeout.Token);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/redirect/blob/blobs/{digest}"), timeout.Token);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        var location = response.Headers.Location!;
        Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);
        using var plain = new HttpClient();
        Assert.Equal(content, await plain.GetByteArrayAsync(location, timeout.Token));
        // HEAD is answered by the origin itself.
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content.Length, head.Content.Headers.ContentLength);
    }
}
