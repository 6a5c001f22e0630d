using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Signing.Jws;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Signing.Tests.Jws;

/// <summary>
/// Pushes manifests signed by <see cref="Schema1ManifestSigner"/> to CNCF distribution, which refuses a
/// schema1 manifest whose libtrust signature does not verify (MANIFEST_UNVERIFIED): an independent,
/// real verifier of the format.
/// </summary>
public sealed class Schema1ManifestSignerDistributionTests : IClassFixture<DistributionRegistryFixture>, IDisposable
{
    private const string SignedMediaType = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    private readonly DistributionRegistryFixture distribution;
    private readonly HttpClient client;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public Schema1ManifestSignerDistributionTests(DistributionRegistryFixture distribution)
    {
        this.distribution = distribution;
        client = new HttpClient { BaseAddress = distribution.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    [Fact]
    public async Task Sign_EcP256Key_DistributionAcceptsManifest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new Schema1ManifestSigner(key, time);

        await PushAndExpectAcceptedAsync("signing/ec256", signer);
    }

    [Fact]
    public async Task Sign_RsaKey_DistributionAcceptsManifest()
    {
        using var key = RSA.Create(2048);
        var signer = new Schema1ManifestSigner(key, time);

        await PushAndExpectAcceptedAsync("signing/rsa", signer);
    }

    [Fact]
    public async Task Sign_EcP384Key_DistributionAcceptsManifest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var signer = new Schema1ManifestSigner(key, time);

        await PushAndExpectAcceptedAsync("signing/ec384", signer);
    }

    [Fact]
    public async Task Sign_ManifestChangedAfterSigning_DistributionRefusesIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new Schema1ManifestSigner(key, time);
        var layer = await UploadLayerAsync("signing/tampered");
        var signed = Encoding.UTF8.GetString(signer.Sign(Manifest("signing/tampered", layer)));

        var tampered = Encoding.UTF8.GetBytes(signed.Replace("\"amd64\"", "\"arm64\"", StringComparison.Ordinal));
        using var response = await PutManifestAsync("signing/tampered", tampered);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MANIFEST_UNVERIFIED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => client.Dispose();

    private async Task PushAndExpectAcceptedAsync(string repository, Schema1ManifestSigner signer)
    {
        var layer = await UploadLayerAsync(repository);
        var payload = Manifest(repository, layer);
        var signed = signer.Sign(payload);

        using var response = await PutManifestAsync(repository, signed);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}\n{distribution.Log}");
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(payload)), response.Headers.GetValues("Docker-Content-Digest").Single());

        // Distribution serves schema1 manifests re-signed with its own libtrust key, so reading one back
        // also checks Schema1ManifestVerifier against Go's signer: same payload, the registry's key.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(SignedMediaType));
        using var fetched = await client.SendAsync(request);
        var verified = Schema1ManifestVerifier.Verify(await fetched.Content.ReadAsByteArrayAsync());
        Assert.Equal(payload, verified.Payload.ToArray());
        Assert.NotEqual(signer.KeyId, Assert.Single(verified.KeyIds));
    }

    private async Task<HttpResponseMessage> PutManifestAsync(string repository, byte[] signed)
    {
        var content = new ByteArrayContent(signed);
        content.Headers.ContentType = new MediaTypeHeaderValue(SignedMediaType);
        return await client.PutAsync($"v2/{repository}/manifests/latest", content);
    }

    private async Task<string> UploadLayerAsync(string repository)
    {
        var layer = RandomNumberGenerator.GetBytes(64);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(layer));
        using var start = await client.PostAsync($"v2/{repository}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!;
        var target = new Uri(location.IsAbsoluteUri ? location : new Uri(distribution.BaseAddress, location), null as string);
        var separator = target.Query.Length > 0 ? "&" : "?";
        using var put = await client.PutAsync(target + separator + "digest=" + digest, new ByteArrayContent(layer));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return digest;
    }

    // A schema1 manifest laid out as distribution and Docker write them (three-space indent).
    private static byte[] Manifest(string repository, string layer)
    {
        var v1 = "{\\\"id\\\":\\\"" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\\\",\\\"created\\\":\\\"2030-01-02T03:04:05Z\\\",\\\"architecture\\\":\\\"amd64\\\",\\\"os\\\":\\\"linux\\\"}";
        return Encoding.UTF8.GetBytes(
            "{\n" +
            "   \"schemaVersion\": 1,\n" +
            $"   \"name\": \"{repository}\",\n" +
            "   \"tag\": \"latest\",\n" +
            "   \"architecture\": \"amd64\",\n" +
            "   \"fsLayers\": [\n" +
            "      {\n" +
            $"         \"blobSum\": \"{layer}\"\n" +
            "      }\n" +
            "   ],\n" +
            "   \"history\": [\n" +
            "      {\n" +
            $"         \"v1Compatibility\": \"{v1}\"\n" +
            "      }\n" +
            "   ]\n" +
            "}");
    }
}
