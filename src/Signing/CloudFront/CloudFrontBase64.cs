namespace EdgeRegistry.Signing.CloudFront;

/// <summary>
/// CloudFront's URL-safe base64: standard base64 with <c>+</c> → <c>-</c>, <c>=</c> → <c>_</c> and
/// <c>/</c> → <c>~</c>. It is not RFC 4648 base64url (which uses <c>_</c> for <c>/</c> and drops padding).
/// </summary>
internal static class CloudFrontBase64
{
    /// <summary>Encodes <paramref name="bytes"/>; the result needs no further escaping in a query string.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = Convert.ToBase64String(bytes).ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '+' => '-',
                '=' => '_',
                '/' => '~',
                var c => c,
            };
        }

        return new string(chars);
    }

    /// <summary>Decodes a value produced by <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException">The value is not CloudFront base64.</exception>
    public static byte[] Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '-' => '+',
                '_' => '=',
                '~' => '/',
                '+' or '=' or '/' => throw new FormatException($"'{chars[i]}' is not a CloudFront base64 character."),
                var c => c,
            };
        }

        return Convert.FromBase64CharArray(chars, 0, chars.Length);
    }
}
