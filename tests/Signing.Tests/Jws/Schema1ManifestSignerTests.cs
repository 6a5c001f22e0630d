using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EdgeRegistry.Signing.Jws;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Signing.Tests.Jws;

public sealed class Schema1ManifestSignerTests : IClassFixture<SigningKeysFixture>
{
    private const string IndentedManifest = "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/busybox\"\n}";
    private const string CompactManifest = """{"schemaVersion":1,"name":"library/busybox"}""";

    private readonly SigningKeysFixture keys;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMilliseconds(678));

    public Schema1ManifestSignerTests(SigningKeysFixture keys) => this.keys = keys;

    [Fact]
    public void Sign_IndentedManifest_KeepsManifestBytesAndAppendsSignaturesLikeLibtrust()
    {
        var signer = new Schema1ManifestSigner(keys.Ec, time);

        var signed = Encoding.UTF8.GetString(signer.Sign(Encoding.UTF8.GetBytes(IndentedManifest)));

        var point = keys.Ec.ExportParameters(false).Q;
        var signature = Regex.Match(signed, "\"signature\": \"([^\"]+)\"").Groups[1].Value;
        var protectedHeader = Regex.Match(signed, "\"protected\": \"([^\"]+)\"").Groups[1].Value;
        var expected =
            "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/busybox\",\n" +
            "   \"signatures\": [\n" +
            "      {\n" +
            "         \"header\": {\n" +
            "            \"jwk\": {\n" +
            "               \"crv\": \"P-256\",\n" +
            $"               \"kid\": \"{signer.KeyId}\",\n" +
            "               \"kty\": \"EC\",\n" +
            $"               \"x\": \"{JoseBase64Url.Encode(point.X)}\",\n" +
            $"               \"y\": \"{JoseBase64Url.Encode(point.Y)}\"\n" +
            "            },\n" +
            "            \"alg\": \"ES256\"\n" +
            "         },\n" +
            $"         \"signature\": \"{signature}\",\n" +
            $"         \"protected\": \"{protectedHeader}\"\n" +
            "      }\n" +
            "   ]\n" +
            "}";
        Assert.Equal(expected, signed);
        Assert.Equal(64, Decode(signature).Length);
    }

    [Fact]
    public void Sign_Always_ProtectedHeaderCarriesFormatAndClockTimeInSeconds()
    {
        var signer = new Schema1ManifestSigner(keys.Ec, time);

        var signed = Encoding.UTF8.GetString(signer.Sign(Encoding.UTF8.GetBytes(IndentedManifest)));

        var protectedHeader = Regex.Match(signed, "\"protected\": \"([^\"]+)\"").Groups[1].Value;
        var formatLength = IndentedManifest.Length - 2;
        Assert.Equal(
            $$"""{"formatLength":{{formatLength}},"formatTail":"Cn0","time":"2030-01-02T03:04:05Z"}""",
            Encoding.UTF8.GetString(Decode(protectedHeader)));
    }

    [Fact]
    public void Sign_CompactManifest_AppendsCompactSignatures()
    {
        var signer = new Schema1ManifestSigner(keys.Rsa, time);

        var signed = Encoding.UTF8.GetString(signer.Sign(Encoding.UTF8.GetBytes(CompactManifest)));

        var parameters = keys.Rsa.ExportParameters(false);
        Assert.StartsWith(
            CompactManifest[..^1] + $$$"""
            ,"signatures":[{"header":{"jwk":{"e":"AQAB","kid":"{{{signer.KeyId}}}","kty":"RSA","n":"{{{JoseBase64Url.Encode(parameters.Modulus)}}}"},"alg":"RS256"},"signature":"
            """,
            signed,
            StringComparison.Ordinal);
        Assert.EndsWith("\"}]}", signed, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_RsaKeySameClock_IsDeterministic()
    {
        var signer = new Schema1ManifestSigner(keys.Rsa, time);

        Assert.Equal(signer.Sign(Encoding.UTF8.GetBytes(CompactManifest)), signer.Sign(Encoding.UTF8.GetBytes(CompactManifest)));
    }

    [Fact]
    public void Sign_ClockAdvanced_ProtectedHeaderFollowsClock()
    {
        var signer = new Schema1ManifestSigner(keys.Rsa, time);
        var before = signer.Sign(Encoding.UTF8.GetBytes(CompactManifest));

        time.Advance(TimeSpan.FromSeconds(1));
        var after = Encoding.UTF8.GetString(signer.Sign(Encoding.UTF8.GetBytes(CompactManifest)));

        Assert.NotEqual(before, Encoding.UTF8.GetBytes(after));
        var protectedHeader = Regex.Match(after, "\"protected\":\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains("\"time\":\"2030-01-02T03:04:06Z\"", Encoding.UTF8.GetString(Decode(protectedHeader)), StringComparison.Ordinal);
    }

    public static TheoryData<string> Curves => new() { "nistP256", "nistP384", "nistP521" };

    [Theory]
    [MemberData(nameof(Curves))]
    public void Sign_EcCurve_VerifiesAndReturnsExactPayload(string curve)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var signer = new Schema1ManifestSigner(key, time);
        var manifest = Encoding.UTF8.GetBytes(IndentedManifest + "\n");

        var verified = Schema1ManifestVerifier.Verify(signer.Sign(manifest));

        Assert.Equal(manifest, verified.Payload.ToArray());
        Assert.Equal([signer.KeyId], verified.KeyIds);
    }

    [Fact]
    public void Sign_RsaKey_VerifiesAndReturnsExactPayload()
    {
        var signer = new Schema1ManifestSigner(keys.Rsa, time);
        var manifest = Encoding.UTF8.GetBytes(CompactManifest);

        var verified = Schema1ManifestVerifier.Verify(signer.Sign(manifest));

        Assert.Equal(manifest, verified.Payload.ToArray());
        Assert.Equal([signer.KeyId], verified.KeyIds);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("{\"a\":1,\"signatures\":[]}")]
    public void Sign_NotASignableManifest_ThrowsArgumentException(string manifest)
    {
        var signer = new Schema1ManifestSigner(keys.Ec, time);

        var error = Assert.Throws<ArgumentException>(() => signer.Sign(Encoding.UTF8.GetBytes(manifest)));

        Assert.Equal("manifest", error.ParamName);
    }

    private static byte[] Decode(string value)
    {
        Assert.True(JoseBase64Url.TryDecode(value, out var bytes));
        return bytes;
    }
}
