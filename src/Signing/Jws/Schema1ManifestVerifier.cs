using System.Text;
using System.Text.Json;

namespace EdgeRegistry.Signing.Jws;

/// <summary>
/// Verifies the libtrust JWS signatures of a Docker schema1 signed manifest and recovers the signed
/// payload, as CNCF distribution does before accepting a schema1 manifest (<c>schema1.Verify</c>).
/// </summary>
/// <remarks>
/// Keys come from each signature's <c>x5c</c> certificate or <c>jwk</c>; as in libtrust, a signature
/// proves only that the holder of that key signed the manifest: no key is trusted or chain validated here.
/// </remarks>
public static class Schema1ManifestVerifier
{
    /// <summary>Verifies every signature of <paramref name="signedManifest"/>.</summary>
    /// <returns>The signed payload and the key ID of each signature.</returns>
    /// <exception cref="Schema1SignatureException">
    /// The document is not JSON, has no signatures, the signatures disagree on the payload's format,
    /// a key or signature is malformed, or a signature does not verify.
    /// </exception>
    public static VerifiedSchema1Manifest Verify(ReadOnlySpan<byte> signedManifest)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(signedManifest.ToArray());
        }
        catch (JsonException e)
        {
            throw new Schema1SignatureException($"The signed manifest is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("signatures", out var signatures)
                || signatures.ValueKind != JsonValueKind.Array
                || signatures.GetArrayLength() == 0)
            {
                throw new Schema1SignatureException("The manifest has no 'signatures' array with at least one signature.");
            }

            var payload = RecoverPayload(signedManifest, signatures);
            var encodedPayload = JoseBase64Url.Encode(payload);
            var keyIds = new List<string>();
            var index = 0;
            foreach (var signature in signatures.EnumerateArray())
            {
                keyIds.Add(VerifyOne(signature, encodedPayload, index++));
            }

            return new VerifiedSchema1Manifest(payload, keyIds);
        }
    }

    // libtrust's ParsePrettySignature: every protected header must name the same formatLength and
    // formatTail; the payload is the document's first formatLength bytes followed by the tail.
    private static byte[] RecoverPayload(ReadOnlySpan<byte> signedManifest, JsonElement signatures)
    {
        int? formatLength = null;
        byte[]? formatTail = null;
        foreach (var signature in signatures.EnumerateArray())
        {
            using var header = ParseProtectedHeader(signature);
            var root = header.RootElement;
            if (!root.TryGetProperty("formatLength", out var lengthElement) || !lengthElement.TryGetInt32(out var length))
            {
                throw new Schema1SignatureException("A signature's protected header has no integer 'formatLength'.");
            }

            if (!root.TryGetProperty("formatTail", out var tailElement)
                || tailElement.ValueKind != JsonValueKind.String
                || !JoseBase64Url.TryDecode(tailElement.GetString()!, out var tail))
            {
                throw new Schema1SignatureException("A signature's protected header has no base64url 'formatTail'.");
            }

            if ((formatLength is { } known && known != length) || (formatTail is not null && !formatTail.AsSpan().SequenceEqual(tail)))
            {
                throw new Schema1SignatureException("The signatures' protected headers disagree on the payload's format.");
            }

            formatLength = length;
            formatTail = tail;
        }

        if (formatLength is not { } prefixLength || prefixLength <= 0 || prefixLength > signedManifest.Length)
        {
            throw new Schema1SignatureException($"The protected header's formatLength ({formatLength}) does not fit the {signedManifest.Length}-byte document.");
        }

        return [.. signedManifest[..prefixLength], .. formatTail!];
    }

    private static string VerifyOne(JsonElement signature, string encodedPayload, int index)
    {
        if (!signature.TryGetProperty("header", out var header) || header.ValueKind != JsonValueKind.Object)
        {
            throw new Schema1SignatureException($"Signature {index} has no header.");
        }

        if (!header.TryGetProperty("alg", out var algorithm) || algorithm.ValueKind != JsonValueKind.String)
        {
            throw new Schema1SignatureException($"Signature {index} has no 'alg'.");
        }

        if (!signature.TryGetProperty("signature", out var value)
            || value.ValueKind != JsonValueKind.String
            || !JoseBase64Url.TryDecode(value.GetString()!, out var signatureBytes))
        {
            throw new Schema1SignatureException($"Signature {index} has no base64url 'signature'.");
        }

        using var key = header.TryGetProperty("x5c", out var chain) && chain.ValueKind == JsonValueKind.Array && chain.GetArrayLength() > 0
            ? JwsKey.FromCertificate(chain[0].GetString() ?? string.Empty)
            : header.TryGetProperty("jwk", out var jwk)
                ? JwsKey.FromJwk(jwk)
                : throw new Schema1SignatureException($"Signature {index} carries no public key (neither x5c nor jwk).");

        var signingInput = Encoding.ASCII.GetBytes(signature.GetProperty("protected").GetString() + "." + encodedPayload);
        if (!key.Verify(algorithm.GetString()!, signingInput, signatureBytes))
        {
            throw new Schema1SignatureException($"Signature {index} (key {key.KeyId}) does not verify: the manifest was changed after signing or signed with another key.");
        }

        return key.KeyId;
    }

    private static JsonDocument ParseProtectedHeader(JsonElement signature)
    {
        if (signature.ValueKind != JsonValueKind.Object
            || !signature.TryGetProperty("protected", out var encoded)
            || encoded.ValueKind != JsonValueKind.String
            || !JoseBase64Url.TryDecode(encoded.GetString()!, out var bytes))
        {
            throw new Schema1SignatureException("A signature has no base64url 'protected' header.");
        }

        try
        {
            var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new Schema1SignatureException("A signature's protected header is not a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new Schema1SignatureException("A signature's protected header is not JSON.", e);
        }
    }
}
