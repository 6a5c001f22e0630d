using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using EdgeRegistry.Signing.Jws;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Signing.Tests.Jws;

public sealed class Schema1ManifestVerifierTests : IClassFixture<SigningKeysFixture>
{
    private const string Manifest = """{"schemaVersion":1,"name":"library/busybox","tag":"latest"}""";

    private readonly SigningKeysFixture keys;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public Schema1ManifestVerifierTests(SigningKeysFixture keys) => this.keys = keys;

    [Fact]
    public void Verify_ManifestChangedAfterSigning_Throws()
    {
        var signed = SignEc().Replace("\"latest\"", "\"evil\"", StringComparison.Ordinal);

        var error = Assert.Throws<Schema1SignatureException>(() => Verify(signed));

        Assert.Contains("does not verify", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_JwkSwappedForAnotherKey_Throws()
    {
        var other = new Schema1ManifestSigner(keys.OtherEc, time);
        var otherJwk = Jwk(Encoding.UTF8.GetString(other.Sign(Encoding.UTF8.GetBytes(Manifest))));

        var signed = SignEc().Replace(Jwk(SignEc()), otherJwk, StringComparison.Ordinal);

        var error = Assert.Throws<Schema1SignatureException>(() => Verify(signed));
        Assert.Contains(other.KeyId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_KidNotMatchingKey_Throws()
    {
        var signer = new Schema1ManifestSigner(keys.Ec, time);
        var signed = SignEc().Replace(signer.KeyId, "AAAA:BBBB:CCCC:DDDD:EEEE:FFFF:GGGG:HHHH:IIII:JJJJ:KKKK:LLLL", StringComparison.Ordinal);

        var error = Assert.Throws<Schema1SignatureException>(() => Verify(signed));

        Assert.Contains("kid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AlgorithmNotMatchingCurve_Throws()
    {
        var signed = SignEc().Replace("\"alg\":\"ES256\"", "\"alg\":\"ES384\"", StringComparison.Ordinal);

        var error = Assert.Throws<Schema1SignatureException>(() => Verify(signed));

        Assert.Contains("ES384", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_KeyInX5cCertificate_Verifies()
    {
        var signer = new Schema1ManifestSigner(keys.Rsa, time);
        var signed = Encoding.UTF8.GetString(signer.Sign(Encoding.UTF8.GetBytes(Manifest)));
        var request = new CertificateRequest("CN=libtrust", keys.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(70));

        var withChain = signed.Replace("\"jwk\":" + Jwk(signed), $"\"x5c\":[\"{Convert.ToBase64String(certificate.RawData)}\"]", StringComparison.Ordinal);
        var verified = Verify(withChain);

        Assert.DoesNotContain("\"jwk\"", withChain, StringComparison.Ordinal);
        Assert.Equal(Manifest, Encoding.UTF8.GetString(verified.Payload.Span));
        Assert.Equal([signer.KeyId], verified.KeyIds);
    }

    [Fact]
    public void Verify_TwoSignatures_VerifiesBothAndReportsBothKeys()
    {
        var first = new Schema1ManifestSigner(keys.Ec, time);
        var second = new Schema1ManifestSigner(keys.Rsa, time);
        var signedByFirst = Encoding.UTF8.GetString(first.Sign(Encoding.UTF8.GetBytes(Manifest)));
        var secondSignature = Regex.Match(Encoding.UTF8.GetString(second.Sign(Encoding.UTF8.GetBytes(Manifest))), "\"signatures\":\\[(.*)\\]}$").Groups[1].Value;

        var verified = Verify(signedByFirst[..^2] + "," + secondSignature + "]}");

        Assert.Equal([first.KeyId, second.KeyId], verified.KeyIds);
    }

    [Fact]
    public void Verify_ProtectedHeadersDisagree_Throws()
    {
        var first = new Schema1ManifestSigner(keys.Ec, time);
        var signedByFirst = Encoding.UTF8.GetString(first.Sign(Encoding.UTF8.GetBytes(Manifest)));
        var otherFormat = Encoding.UTF8.GetString(first.Sign(Encoding.UTF8.GetBytes(Manifest[..^1] + " }")));
        var otherSignature = Regex.Match(otherFormat, "\"signatures\":\\[(.*)\\]}$").Groups[1].Value;

        var error = Assert.Throws<Schema1SignatureException>(() => Verify(signedByFirst[..^2] + "," + otherSignature + "]}"));

        Assert.Contains("disagree", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FormatLengthBeyondDocument_Throws()
    {
        var signed = SignEc();
        var forged = JoseBase64Url.Encode(Encoding.UTF8.GetBytes("""{"formatLength":100000,"formatTail":"fQ","time":"2030-01-02T03:04:05Z"}"""));

        var error = Assert.Throws<Schema1SignatureException>(() => Verify(Regex.Replace(signed, "\"protected\":\"[^\"]+\"", $"\"protected\":\"{forged}\"")));

        Assert.Contains("formatLength", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Manifest)]
    [InlineData("""{"schemaVersion":1,"signatures":[]}""")]
    [InlineData("""{"schemaVersion":1,"signatures":{}}""")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"schemaVersion":1,"signatures":[{"header":{"alg":"ES256"},"signature":"AA","protected":"!!"}]}""")]
    public void Verify_NoUsableSignatures_Throws(string document)
    {
        Assert.Throws<Schema1SignatureException>(() => Verify(document));
    }

    private string SignEc()
    {
        var signer = new Schema1ManifestSigner(keys.Ec, time);
        return Encoding.UTF8.GetString(signer.Sign(Encoding.UTF8.GetBytes(Manifest)));
    }

    private static string Jwk(string compactSigned) => Regex.Match(compactSigned, "\"jwk\":(\\{[^}]*\\})").Groups[1].Value;

    private static VerifiedSchema1Manifest Verify(string document) => Schema1ManifestVerifier.Verify(Encoding.UTF8.GetBytes(document));
}
