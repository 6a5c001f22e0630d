using EdgeRegistry.Signing.Jws;

namespace EdgeRegistry.Signing.Tests.Jws;

public sealed class JoseBase64UrlTests
{
    [Theory]
    [InlineData(new byte[] { 0xFB, 0xFF }, "-_8")]
    [InlineData(new byte[] { 0x0A, 0x7D }, "Cn0")]
    [InlineData(new byte[] { 1, 2, 3 }, "AQID")]
    [InlineData(new byte[0], "")]
    public void Encode_Bytes_GivesUnpaddedBase64Url(byte[] bytes, string expected)
    {
        Assert.Equal(expected, JoseBase64Url.Encode(bytes));

        Assert.True(JoseBase64Url.TryDecode(expected, out var decoded));
        Assert.Equal(bytes, decoded);
    }

    [Theory]
    [InlineData("Cn0=")]
    [InlineData("+_8")]
    [InlineData("-/8")]
    [InlineData("A")]
    [InlineData("Cn0!")]
    public void TryDecode_NotUnpaddedBase64Url_ReturnsFalse(string value)
    {
        Assert.False(JoseBase64Url.TryDecode(value, out _));
    }
}
