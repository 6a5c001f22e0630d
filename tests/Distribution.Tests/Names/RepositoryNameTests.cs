using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Distribution.Tests.Names;

public sealed class RepositoryNameTests
{
    [Theory]
    [InlineData("busybox")]
    [InlineData("openshift/busybox")]
    [InlineData("my-project/ruby-22-centos7")]
    [InlineData("a/b/c/d")]
    [InlineData("library/hello_world")]
    [InlineData("library/hello__world")]
    [InlineData("library/hello---world")]
    [InlineData("library/hello.world")]
    [InlineData("0/1")]
    public void IsValid_SpecName_True(string name)
    {
        Assert.True(RepositoryName.IsValid(name));
        Assert.Equal(name, RepositoryName.Validate(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Busybox")]
    [InlineData("openshift/BusyBox")]
    [InlineData("/busybox")]
    [InlineData("busybox/")]
    [InlineData("openshift//busybox")]
    [InlineData("openshift/../busybox")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData("-busybox")]
    [InlineData("busybox-")]
    [InlineData(".busybox")]
    [InlineData("_busybox")]
    [InlineData("hello___world")]
    [InlineData("hello_.world")]
    [InlineData("busy box")]
    [InlineData("busybox\n")]
    [InlineData("busybox:latest")]
    [InlineData("busybox@sha256")]
    [InlineData("bü")]
    public void IsValid_BadName_False(string? name)
    {
        Assert.False(RepositoryName.IsValid(name));
        var error = Assert.Throws<RegistryException>(() => RepositoryName.Validate(name));
        Assert.Equal(ErrorCode.NameInvalid, error.Error);
    }

    [Fact]
    public void IsValid_Exactly255Characters_True()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', 50), 4)) + "/" + new string('b', 51);

        Assert.Equal(255, name.Length);
        Assert.True(RepositoryName.IsValid(name));
    }

    [Fact]
    public void Validate_Over255Characters_NameInvalidSayingLength()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', 50), 4)) + "/" + new string('b', 52);

        var error = Assert.Throws<RegistryException>(() => RepositoryName.Validate(name));

        Assert.Equal(256, name.Length);
        Assert.Equal("NAME_INVALID", error.Error.Code);
        Assert.Contains("255", error.Message);
    }

    [Theory]
    [InlineData("openshift/busybox", "openshift")]
    [InlineData("busybox", "busybox")]
    [InlineData("a/b/c", "a")]
    public void Project_FirstComponent(string name, string project)
    {
        Assert.Equal(project, RepositoryName.Project(name));
    }
}
