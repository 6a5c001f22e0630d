using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.ImageStreams;

namespace EdgeRegistry.Origin.Tests.ImageStreams;

public sealed class ImageStreamReferenceTests
{
    [Theory]
    [InlineData("anyproject/pullimagestream:latest", null, "anyproject/pullimagestream", "latest")]
    [InlineData("srcimagestream:latest", "test", "test/srcimagestream", "latest")]
    [InlineData("test/busybox", null, "test/busybox", "latest")]
    [InlineData("a/b/c:v2", null, "a/b/c", "v2")]
    public void Parse_TagForms_GiveRepositoryAndTag(string text, string? project, string repository, string tag)
    {
        var reference = ImageStreamReference.Parse(text, project);

        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Reference.Tag);
    }

    [Fact]
    public void Parse_Digest_GivesDigestReference()
    {
        var digest = "sha256:" + new string('a', 64);

        var reference = ImageStreamReference.Parse($"test/busybox@{digest}", null);

        Assert.Equal(digest, reference.Reference.Digest.ToString());
        Assert.Equal($"test/busybox@{digest}", reference.ToString());
    }

    [Theory]
    [InlineData("busybox:latest", null)]
    [InlineData("Test/busybox:latest", null)]
    [InlineData("test/busybox:bad tag", null)]
    [InlineData("test/busybox@sha256:short", null)]
    [InlineData("a_b/c:latest", null)]
    public void Parse_Invalid_ThrowsInvalid(string text, string? project)
    {
        var exception = Assert.Throws<RegistryException>(() => ImageStreamReference.Parse(text, project));

        Assert.Equal("INVALID", exception.Error.Code);
    }
}
