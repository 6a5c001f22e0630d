using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class DockerHubNamesTests
{
    [Theory]
    [InlineData("busybox", "library/busybox")]
    [InlineData("library/busybox", "library/busybox")]
    [InlineData("openshift/origin", "openshift/origin")]
    [InlineData("a/b/c", "a/b/c")]
    public void Normalize_SingleNameGoesUnderLibrary(string repository, string expected) =>
        Assert.Equal(expected, DockerHubNames.Normalize(repository));

    [Theory]
    [InlineData("docker.io", true)]
    [InlineData("index.docker.io", true)]
    [InlineData("registry-1.docker.io", true)]
    [InlineData("Registry.Hub.Docker.com", true)]
    [InlineData("quay.io", false)]
    [InlineData("docker.io:5000", false)]
    public void IsDockerHub_KnowsHubNames(string registry, bool expected) =>
        Assert.Equal(expected, DockerHubNames.IsDockerHub(registry));
}
