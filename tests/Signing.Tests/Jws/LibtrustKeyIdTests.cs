using System.Security.Cryptography;
using EdgeRegistry.Signing.Jws;

namespace EdgeRegistry.Signing.Tests.Jws;

public sealed class LibtrustKeyIdTests
{
    // A P-256 key and the kid Docker's libtrust gave it in a schema1 manifest pushed in 2016
    // (used as a fixture by containers/image): the ID must be computed the same way.
    [Fact]
    public void From_PublishedP256Key_ReturnsLibtrustKid()
    {
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Base64Url("ReC5c0J9tgXSdUL4_xzEt5RsD8kFt2wWSgJcpAcOQx8"),
                Y = Base64Url("3sBGEqQ3ZMeqPKwQBAadN2toOUEASha18xa0WwsDF-M"),
            },
        });

        Assert.Equal("OZ45:U3IG:TDOI:PMBD:NGP2:LDIW:II2U:PSBI:MMCZ:YZUP:TUUO:XPZT", LibtrustKeyId.From(key));
    }

    [Fact]
    public void From_AnyKey_IsTwelveGroupsOfFourBase32Characters()
    {
        using var key = RSA.Create(2048);

        var id = LibtrustKeyId.From(key);

        Assert.Matches("^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$", id);
    }

    private static byte[] Base64Url(string value)
    {
        Assert.True(JoseBase64Url.TryDecode(value, out var bytes));
        return bytes;
    }
}
