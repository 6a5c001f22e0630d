using System.Diagnostics.CodeAnalysis;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Digests;

/// <summary>
/// A content digest <c>algorithm:encoded</c> (OCI image spec, "Digests"). Only sha256 and sha512 are
/// accepted; the encoded part is lower-case hex of the algorithm's length.
/// </summary>
public readonly record struct Digest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    public string Hex { get; }

    public override string ToString() => $"{Algorithm}:{Hex}";

    public static Digest FromSha256Bytes(ReadOnlySpan<byte> hash) => new(Sha256, Convert.ToHexStringLower(hash));

    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) => new(algorithm, Convert.ToHexStringLower(hash));

    /// <summary>Parses a digest; throws <see cref="RegistryException"/> with DIGEST_INVALID when malformed or of an unknown algorithm.</summary>
    public static Digest Parse(string? value) =>
        TryParse(value, out var digest, out var reason)
            ? digest
            : throw new RegistryException(ErrorCode.DigestInvalid, reason, new { digest = value is { Length: > 200 } ? value[..200] : value });

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    public static bool TryParse(string? value, out Digest digest, [NotNullWhen(false)] out string? reason)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            reason = "digest is empty";
            return false;
        }

        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            reason = "digest must have the form algorithm:encoded";
            return false;
        }

        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        var length = algorithm switch
        {
            Sha256 => 64,
            Sha512 => 128,
            _ => -1,
        };
        if (length < 0)
        {
            reason = $"unsupported digest algorithm '{Truncate(algorithm)}'";
            return false;
        }

        if (hex.Length != length || !hex.All(IsLowerHex))
        {
            reason = $"invalid {algorithm} digest: expected {length} lower-case hex characters";
            return false;
        }

        digest = new Digest(algorithm, hex);
        reason = null;
        return true;
    }

    private static bool IsLowerHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f';

    private static string Truncate(string s) => s.Length <= 32 ? s : s[..32] + "...";
}
