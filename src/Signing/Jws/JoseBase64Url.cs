namespace EdgeRegistry.Signing.Jws;

/// <summary>Base64url without padding, as JOSE (RFC 7515 section 2) and libtrust use it.</summary>
internal static class JoseBase64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes unpadded base64url; returns false on anything else.</summary>
    public static bool TryDecode(string value, out byte[] bytes)
    {
        bytes = [];
        if (value.Length % 4 == 1 || value.Contains('=') || value.Contains('+') || value.Contains('/'))
        {
            return false;
        }

        var padded = value.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (value.Length % 4)) % 4);
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }
}
