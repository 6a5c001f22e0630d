using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace EdgeRegistry.Signing.Jws;

/// <summary>
/// An EC (P-256, P-384, P-521) or RSA key as libtrust uses it in JWS: its algorithm
/// (<c>ES256</c>/<c>ES384</c>/<c>ES512</c> or <c>RS256</c>), its key ID and its JWK members.
/// </summary>
internal sealed class JwsKey : IDisposable
{
    private readonly ECDsa? ec;
    private readonly RSA? rsa;
    private readonly bool ownsKey;

    private JwsKey(ECDsa? ec, RSA? rsa, bool ownsKey)
    {
        this.ec = ec;
        this.rsa = rsa;
        this.ownsKey = ownsKey;
        if (ec is not null)
        {
            var parameters = ec.ExportParameters(includePrivateParameters: false);
            (CurveName, Algorithm, Hash) = CurveOf(parameters.Curve);
            JwkMembers =
            [
                new("crv", CurveName),
                new("kid", LibtrustKeyId.From(ec)),
                new("kty", "EC"),
                new("x", JoseBase64Url.Encode(parameters.Q.X)),
                new("y", JoseBase64Url.Encode(parameters.Q.Y)),
            ];
        }
        else
        {
            var parameters = rsa!.ExportParameters(includePrivateParameters: false);
            (Algorithm, Hash) = ("RS256", HashAlgorithmName.SHA256);
            JwkMembers =
            [
                new("e", JoseBase64Url.Encode(TrimLeadingZeros(parameters.Exponent!))),
                new("kid", LibtrustKeyId.From(rsa)),
                new("kty", "RSA"),
                new("n", JoseBase64Url.Encode(TrimLeadingZeros(parameters.Modulus!))),
            ];
        }

        KeyId = (string)JwkMembers.Single(m => m.Name == "kid").Value;
    }

    /// <summary>The JWS <c>alg</c> this key signs with.</summary>
    public string Algorithm { get; }

    /// <summary>The libtrust key ID.</summary>
    public string KeyId { get; }

    /// <summary>The JWK members in the order Go writes them (sorted by name).</summary>
    public IReadOnlyList<GoJsonWriter.Member> JwkMembers { get; }

    private string? CurveName { get; }

    private HashAlgorithmName Hash { get; }

    /// <summary>Wraps a caller's key; the caller keeps ownership.</summary>
    /// <exception cref="ArgumentException">The curve is not P-256, P-384 or P-521.</exception>
    public static JwsKey For(ECDsa key) => new(key, null, ownsKey: false);

    /// <summary>Wraps a caller's key; the caller keeps ownership.</summary>
    public static JwsKey For(RSA key) => new(null, key, ownsKey: false);

    /// <summary>Reads the public key of a JWS header's <c>jwk</c>, checking its <c>kid</c> when present, as libtrust does.</summary>
    /// <exception cref="Schema1SignatureException">The JWK is malformed, of an unsupported type, or its kid does not match.</exception>
    public static JwsKey FromJwk(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw new Schema1SignatureException("The signature's jwk is not a JSON object.");
        }

        JwsKey key;
        switch (RequiredString(jwk, "kty"))
        {
            case "EC":
                var (curve, size) = RequiredString(jwk, "crv") switch
                {
                    "P-256" => (ECCurve.NamedCurves.nistP256, 32),
                    "P-384" => (ECCurve.NamedCurves.nistP384, 48),
                    "P-521" => (ECCurve.NamedCurves.nistP521, 66),
                    var other => throw new Schema1SignatureException($"The signature's jwk uses the unsupported curve '{other}'."),
                };
                var point = new ECPoint { X = Coordinate(jwk, "x", size), Y = Coordinate(jwk, "y", size) };
                key = new JwsKey(CreateEc(new ECParameters { Curve = curve, Q = point }), null, ownsKey: true);
                break;
            case "RSA":
                var rsa = RSA.Create();
                try
                {
                    rsa.ImportParameters(new RSAParameters { Modulus = Bytes(jwk, "n"), Exponent = Bytes(jwk, "e") });
                }
                catch (CryptographicException e)
                {
                    rsa.Dispose();
                    throw new Schema1SignatureException("The signature's RSA jwk is not a valid public key.", e);
                }

                key = new JwsKey(null, rsa, ownsKey: true);
                break;
            case var other:
                throw new Schema1SignatureException($"The signature's jwk has the unsupported key type '{other}'.");
        }

        if (jwk.TryGetProperty("kid", out var kid) && kid.GetString() != key.KeyId)
        {
            key.Dispose();
            throw new Schema1SignatureException($"The signature's jwk kid '{kid}' does not match its key ({key.KeyId}).");
        }

        return key;
    }

    /// <summary>Reads the public key of the first certificate of a JWS header's <c>x5c</c> chain (the chain itself is not validated).</summary>
    /// <exception cref="Schema1SignatureException">The certificate is malformed or holds neither an EC nor an RSA key.</exception>
    public static JwsKey FromCertificate(string base64Der)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(base64Der));
            if (certificate.GetECDsaPublicKey() is { } ec)
            {
                return new JwsKey(ec, null, ownsKey: true);
            }

            if (certificate.GetRSAPublicKey() is { } rsa)
            {
                return new JwsKey(null, rsa, ownsKey: true);
            }
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new Schema1SignatureException("The signature's x5c certificate cannot be read.", e);
        }

        throw new Schema1SignatureException("The signature's x5c certificate holds neither an EC nor an RSA key.");
    }

    /// <summary>Signs <paramref name="data"/> with <see cref="Algorithm"/>; EC signatures are r‖s of fixed width (RFC 7518 section 3.4).</summary>
    public byte[] Sign(byte[] data) =>
        ec is not null
            ? ec.SignData(data, Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            : rsa!.SignData(data, Hash, RSASignaturePadding.Pkcs1);

    /// <summary>Whether <paramref name="signature"/> is this key's signature of <paramref name="data"/> under <paramref name="algorithm"/>.</summary>
    /// <exception cref="Schema1SignatureException">The key cannot use <paramref name="algorithm"/>.</exception>
    public bool Verify(string algorithm, byte[] data, byte[] signature)
    {
        if (ec is not null)
        {
            if (algorithm != Algorithm)
            {
                throw new Schema1SignatureException($"An EC key on curve {CurveName} cannot verify a signature made with '{algorithm}'.");
            }

            return ec.VerifyData(data, signature, Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        var hash = algorithm switch
        {
            "RS256" => HashAlgorithmName.SHA256,
            "RS384" => HashAlgorithmName.SHA384,
            "RS512" => HashAlgorithmName.SHA512,
            _ => throw new Schema1SignatureException($"An RSA key cannot verify a signature made with '{algorithm}'."),
        };
        return rsa!.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
    }

    public void Dispose()
    {
        if (ownsKey)
        {
            ec?.Dispose();
            rsa?.Dispose();
        }
    }

    private static (string Curve, string Algorithm, HashAlgorithmName Hash) CurveOf(ECCurve curve) => curve.Oid.Value switch
    {
        "1.2.840.10045.3.1.7" => ("P-256", "ES256", HashAlgorithmName.SHA256),
        "1.3.132.0.34" => ("P-384", "ES384", HashAlgorithmName.SHA384),
        "1.3.132.0.35" => ("P-521", "ES512", HashAlgorithmName.SHA512),
        _ => throw new ArgumentException($"libtrust signs only with P-256, P-384 or P-521 EC keys, not curve '{curve.Oid.FriendlyName ?? curve.Oid.Value}'."),
    };

    private static ECDsa CreateEc(ECParameters parameters)
    {
        try
        {
            return ECDsa.Create(parameters);
        }
        catch (CryptographicException e)
        {
            throw new Schema1SignatureException("The signature's EC jwk is not a point on its curve.", e);
        }
    }

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }

    private static string RequiredString(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new Schema1SignatureException($"The signature's jwk has no '{name}' string.");

    private static byte[] Bytes(JsonElement jwk, string name) =>
        JoseBase64Url.TryDecode(RequiredString(jwk, name), out var bytes) && bytes.Length > 0
            ? bytes
            : throw new Schema1SignatureException($"The signature's jwk '{name}' is not base64url.");

    // libtrust requires coordinates of exactly the curve's byte length.
    private static byte[] Coordinate(JsonElement jwk, string name, int size)
    {
        var bytes = Bytes(jwk, name);
        return bytes.Length == size
            ? bytes
            : throw new Schema1SignatureException($"The signature's jwk '{name}' is {bytes.Length} bytes long; the curve needs {size}.");
    }
}
