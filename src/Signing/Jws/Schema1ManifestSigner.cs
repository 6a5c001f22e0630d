using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EdgeRegistry.Signing.Jws;

/// <summary>
/// Signs Docker image manifests of schema version 1 the way libtrust (and so CNCF distribution and
/// Docker) does: a JWS over the manifest, embedded as a <c>signatures</c> member appended to it
/// ("pretty signature"), with a protected header carrying <c>formatLength</c>, <c>formatTail</c> and
/// <c>time</c> so the signed bytes can be recovered from the document.
/// </summary>
/// <remarks>
/// The signature uses ES256/ES384/ES512 for EC keys on P-256/P-384/P-521 and RS256 for RSA keys, and
/// the header carries the key as a JWK with libtrust's key ID. The signer does not own the key; the
/// caller disposes it and must not change it while signing.
/// </remarks>
public sealed class Schema1ManifestSigner
{
    private readonly JwsKey key;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates a signer with an EC key (libtrust's default kind; registries use P-256).</summary>
    /// <exception cref="ArgumentException">The key is not on P-256, P-384 or P-521.</exception>
    public Schema1ManifestSigner(ECDsa key, TimeProvider timeProvider)
        : this(JwsKey.For(key ?? throw new ArgumentNullException(nameof(key))), timeProvider)
    {
    }

    /// <summary>Creates a signer with an RSA key.</summary>
    public Schema1ManifestSigner(RSA key, TimeProvider timeProvider)
        : this(JwsKey.For(key ?? throw new ArgumentNullException(nameof(key))), timeProvider)
    {
    }

    private Schema1ManifestSigner(JwsKey key, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.key = key;
        this.timeProvider = timeProvider;
    }

    /// <summary>The libtrust key ID of the signing key, as it appears in the signature's <c>jwk.kid</c>.</summary>
    public string KeyId => key.KeyId;

    /// <summary>
    /// Returns <paramref name="manifest"/> with a <c>signatures</c> member holding one signature.
    /// The manifest's own bytes are kept exactly (its digest does not change); the signature block is
    /// indented like the manifest (Go's <c>MarshalIndent</c> with the manifest's indent), or compact
    /// when the manifest is.
    /// </summary>
    /// <param name="manifest">A UTF-8 JSON object with at least one member and no <c>signatures</c> member.</param>
    /// <exception cref="ArgumentException">The manifest is not such an object.</exception>
    public byte[] Sign(ReadOnlySpan<byte> manifest)
    {
        ValidateManifest(manifest);

        // Everything after the last member (whitespace and the closing brace) is the "format tail";
        // the signatures are spliced in before it.
        var close = LastNonSpace(manifest, manifest.Length);
        var formatLength = LastNonSpace(manifest, close) + 1;
        var formatTail = manifest[formatLength..];

        var time = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var protectedHeader = JoseBase64Url.Encode(Encoding.UTF8.GetBytes(GoJsonWriter.Write(
            new GoJsonWriter.Member[]
            {
                new("formatLength", formatLength),
                new("formatTail", JoseBase64Url.Encode(formatTail)),
                new("time", time),
            },
            prefix: string.Empty,
            indent: string.Empty)));

        var signingInput = Encoding.ASCII.GetBytes(protectedHeader + "." + JoseBase64Url.Encode(manifest));
        var signature = new GoJsonWriter.Member[]
        {
            new("header", new GoJsonWriter.Member[] { new("jwk", key.JwkMembers), new("alg", key.Algorithm) }),
            new("signature", JoseBase64Url.Encode(key.Sign(signingInput))),
            new("protected", protectedHeader),
        };

        var indent = DetectIndent(manifest);
        var signatures = GoJsonWriter.Write(new object[] { signature }, indent, indent);
        var block = indent.Length > 0
            ? $",\n{indent}\"signatures\": {signatures}\n}}"
            : $",\"signatures\":{signatures}}}";

        var signed = new byte[formatLength + Encoding.UTF8.GetByteCount(block)];
        manifest[..formatLength].CopyTo(signed);
        Encoding.UTF8.GetBytes(block, signed.AsSpan(formatLength));
        return signed;
    }

    // libtrust's detectJSONIndent: the characters between "{\n" and the first quote.
    internal static string DetectIndent(ReadOnlySpan<byte> json)
    {
        if (json.Length > 2 && json[0] == '{' && json[1] == '\n')
        {
            var quote = json[1..].IndexOf((byte)'"');
            if (quote > 0)
            {
                return Encoding.UTF8.GetString(json[2..(quote + 1)]);
            }
        }

        return string.Empty;
    }

    internal static int LastNonSpace(ReadOnlySpan<byte> json, int before)
    {
        var index = json[..before].LastIndexOfAnyExcept(" \t\r\n"u8);
        return index;
    }

    private static void ValidateManifest(ReadOnlySpan<byte> manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(manifest.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.EnumerateObject().Any())
            {
                throw new ArgumentException("A schema1 manifest to sign must be a JSON object with at least one member.", nameof(manifest));
            }

            if (document.RootElement.TryGetProperty("signatures", out _))
            {
                throw new ArgumentException("The manifest already has a 'signatures' member; sign its payload instead.", nameof(manifest));
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"A schema1 manifest to sign must be valid JSON: {e.Message}", nameof(manifest), e);
        }
    }
}
