using EdgeRegistry.Signing.CloudFront;

namespace EdgeRegistry.Signing.Tests.CloudFront;

public sealed class CloudFrontBase64Tests
{
    [Fact]
    public void Encode_BytesThatGivePlusSlashAndPadding_ReplacesThemWithDashTildeUnderscore()
    {
        // Standard base64 of FB FF BF 3E is "+/+/Pg==".
        var encoded = CloudFrontBase64.Encode([0xFB, 0xFF, 0xBF, 0x3E]);

        Assert.Equal("-~-~Pg__", encoded);
    }

    [Fact]
    public void Decode_EncodedValue_ReturnsOriginalBytes()
    {
        byte[] bytes = [0xFB, 0xFF, 0xBF, 0x3E, 0x00, 0x7F];

        Assert.Equal(bytes, CloudFrontBase64.Decode(CloudFrontBase64.Encode(bytes)));
    }

    [Theory]
    [InlineData("-~-~Pg==")]
    [InlineData("+/+/Pg__")]
    public void Decode_StandardBase64Characters_Throws(string value)
    {
        Assert.Throws<FormatException>(() => CloudFrontBase64.Decode(value));
    }
}
