using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Distribution.Tests.Names;

public sealed class TagTests
{
    [Theory]
    [InlineData("latest")]
    [InlineData("v1.2.3")]
    [InlineData("_private")]
    [InlineData("3.19-alpine")]
    [InlineData("UPPER_case")]
    [InlineData("sha256-2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824.sig")]
    public void IsValid_SpecTag_True(string tag)
    {
        Assert.True(Tag.IsValid(tag));
    }

    [Fact]
    public void IsValid_128Characters_True()
    {
        Assert.True(Tag.IsValid("a" + new string('b', 127)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData(".hidden")]
    [InlineData("-dash")]
    [InlineData("with space")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("latest\n")]
    [InlineData("ünicode")]
    public void IsValid_BadTag_False(string? tag)
    {
        Assert.False(Tag.IsValid(tag));
    }

    [Fact]
    public void IsValid_129Characters_False()
    {
        Assert.False(Tag.IsValid("a" + new string('b', 128)));
    }
}
