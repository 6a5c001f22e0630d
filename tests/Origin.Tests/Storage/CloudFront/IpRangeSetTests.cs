using System.Net;
using EdgeRegistry.Origin.Storage.CloudFront;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

public sealed class IpRangeSetTests
{
    [Theory]
    [InlineData("10.0.0.0", true)]
    [InlineData("10.0.3.255", true)]
    [InlineData("10.0.4.0", false)]
    [InlineData("9.255.255.255", false)]
    [InlineData("192.0.2.7", true)]
    [InlineData("192.0.2.8", false)]
    [InlineData("::ffff:10.0.1.1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db9::", false)]
    [InlineData("::a00:1", false)]
    public void Contains_Prefixes_MatchesTheirWholeRangesOnly(string address, bool expected)
    {
        var set = IpRangeSet.Parse(["10.0.0.0/22", "192.0.2.7/32", "2001:db8::/32"]);

        Assert.Equal(expected, set.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Parse_OverlappingAndAdjacentPrefixes_MergeIntoOneInterval()
    {
        var set = IpRangeSet.Parse(["10.0.2.0/23", "10.0.0.0/23", "10.0.1.0/24", "10.0.4.0/24", "2001:db8::/33", "2001:db8:8000::/33"]);

        Assert.Equal(2, set.IntervalCount);
        Assert.True(set.Contains(IPAddress.Parse("10.0.4.255")));
        Assert.False(set.Contains(IPAddress.Parse("10.0.5.0")));
        Assert.True(set.Contains(IPAddress.Parse("2001:db8:ffff::1")));
    }

    [Fact]
    public void Parse_HostBitsSet_CoversTheNetwork()
    {
        var set = IpRangeSet.Parse(["10.1.2.3/16"]);

        Assert.True(set.Contains(IPAddress.Parse("10.1.0.0")));
        Assert.True(set.Contains(IPAddress.Parse("10.1.255.255")));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "255.255.255.255")]
    [InlineData("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void Parse_ZeroLengthPrefix_CoversTheWholeFamily(string prefix, string highest)
    {
        var set = IpRangeSet.Parse([prefix, prefix]);

        Assert.True(set.Contains(IPAddress.Parse(highest)));
        Assert.Equal(1, set.IntervalCount);
    }

    [Fact]
    public void Contains_Empty_IsFalse()
    {
        Assert.False(IpRangeSet.Empty.Contains(IPAddress.Loopback));
        Assert.False(IpRangeSet.Empty.Contains(IPAddress.IPv6Loopback));
    }

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0/8")]
    [InlineData("010.0.0.0/8")]
    [InlineData("example.com/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/ 8")]
    public void Parse_NotCidr_ThrowsFormatException(string prefix)
    {
        Assert.Throws<FormatException>(() => IpRangeSet.Parse([prefix]));
    }
}
