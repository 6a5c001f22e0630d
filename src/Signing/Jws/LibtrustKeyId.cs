using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Signing.Jws;

/// <summary>
/// libtrust's key ID (the <c>kid</c> of a schema1 signature's JWK): SHA-256 of the public key's DER
/// SubjectPublicKeyInfo, truncated to 240 bits, base32-encoded and cut into twelve groups of four,
/// such as <c>OZ45:U3IG:TDOI:PMBD:NGP2:LDIW:II2U:PSBI:MMCZ:YZUP:TUUO:XPZT</c>.
/// </summary>
internal static class LibtrustKeyId
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string From(AsymmetricAlgorithm publicKey)
    {
        var digest = SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo());

        // 30 bytes are 240 bits: exactly 48 base32 characters, so no padding arises.
        var base32 = new StringBuilder(48);
        for (var i = 0; i < 30; i += 5)
        {
            var chunk = 0UL;
            for (var j = 0; j < 5; j++)
            {
                chunk = (chunk << 8) | digest[i + j];
            }

            for (var shift = 35; shift >= 0; shift -= 5)
            {
                base32.Append(Base32Alphabet[(int)((chunk >> shift) & 31)]);
            }
        }

        var id = new StringBuilder(59);
        for (var i = 0; i < 48; i += 4)
        {
            if (i > 0)
            {
                id.Append(':');
            }

            id.Append(base32, i, 4);
        }

        return id.ToString();
    }
}
