using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class ImageReferenceTests
{
    private const string Sha = "sha256:6b1a3b1ad8e5b0c6cf0e1c4f0c1aeb2a5cba1d0e6e1d2f3a4b5c6d7e8f9a0b1c";

    [Theory]
    [InlineData("docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest")]
    [InlineData("busybox", "docker.io", "library/busybox", null)]
    [InlineData("busybox:1.36", "docker.io", "library/busybox", "1.36")]
    [InlineData("openshift/origin:v3.11", "docker.io", "openshift/origin", "v3.11")]
    [InlineData("index.docker.io/library/nginx", "docker.io", "library/nginx", null)]
    [InlineData("registry-1.docker.io/nginx:alpine", "docker.io", "library/nginx", "alpine")]
    [InlineData("registry:5000/ns/name:tag", "registry:5000", "ns/name", "tag")]
    [InlineData("localhost/app", "localhost", "app", null)]
    [InlineData("localhost:5000/app:1", "localhost:5000", "app", "1")]
    [InlineData("registry.access.redhat.com/rhel7/rhel", "registry.access.redhat.com", "rhel7/rhel", null)]
    [InlineData("Registry.Example.COM/team/app:v2", "registry.example.com", "team/app", "v2")]
    [InlineData("172.30.1.1:5000/openshift/app", "172.30.1.1:5000", "openshift/app", null)]
    [InlineData("[::1]:5000/ns/app:x", "[::1]:5000", "ns/app", "x")]
    [InlineData("MyRegistry/app", "myregistry", "app", null)]
    public void Parse_Tagged_FollowsDockerRules(string value, string registry, string repository, string? tag)
    {
        var reference = ImageReference.Parse(value);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Null(reference.Digest);
    }

    [Fact]
    public void Parse_Digest_ReturnsDigestAndAsksForIt()
    {
        var reference = ImageReference.Parse($"registry:5000/ns/name@{Sha}");

        Assert.Equal("registry:5000", reference.Registry);
        Assert.Equal("ns/name", reference.Repository);
        Assert.Null(reference.Tag);
        Assert.Equal(Digest.Parse(Sha), reference.Digest);
        Assert.True(reference.Reference.IsDigest);
        Assert.Equal(Sha, reference.Reference.ToString());
    }

    [Fact]
    public void Parse_TagAndDigest_KeepsBothAndAsksForTheDigest()
    {
        var reference = ImageReference.Parse($"quay.io/team/app:v1@{Sha}");

        Assert.Equal("v1", reference.Tag);
        Assert.Equal(Sha, reference.Reference.ToString());
        Assert.Equal($"quay.io/team/app:v1@{Sha}", reference.ToString());
    }

    [Fact]
    public void Reference_NoTagNoDigest_IsLatest()
    {
        var reference = ImageReference.Parse("quay.io/team/app");

        Assert.Equal("latest", reference.Reference.ToString());
        Assert.Equal("quay.io/team/app", reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("library/BusyBox")]
    [InlineData("quay.io/Team/app")]
    [InlineData("busybox:bad tag")]
    [InlineData("busybox:")]
    [InlineData("registry:99999/app")]
    [InlineData("quay.io/")]
    [InlineData("-leading/dash")]
    public void Parse_Malformed_ThrowsNameInvalid(string value)
    {
        var error = Assert.Throws<RegistryException>(() => ImageReference.Parse(value));

        Assert.Equal(ErrorCode.NameInvalid, error.Error);
        Assert.False(ImageReference.TryParse(value, out _));
    }

    [Theory]
    [InlineData("busybox@sha256:abc")]
    [InlineData("busybox@md5:0123")]
    public void Parse_MalformedDigest_ThrowsDigestInvalid(string value)
    {
        var error = Assert.Throws<RegistryException>(() => ImageReference.Parse(value));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
    }
}
