using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Distribution.Tests.Manifests;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("Application/JSON; charset=utf-8", "application/json")]
    [InlineData("  application/vnd.oci.image.index.v1+json  ", "application/vnd.oci.image.index.v1+json")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("; charset=utf-8", null)]
    [InlineData(null, null)]
    public void Essence_HeaderValue_TypeWithoutParameters(string? value, string? expected)
    {
        Assert.Equal(expected, MediaTypes.Essence(value));
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest, true)]
    [InlineData(MediaTypes.OciIndex, true)]
    [InlineData(MediaTypes.DockerManifest, true)]
    [InlineData(MediaTypes.DockerManifestList, true)]
    [InlineData(MediaTypes.DockerSchema1, true)]
    [InlineData(MediaTypes.DockerSchema1Signed, true)]
    [InlineData(MediaTypes.OciConfig, false)]
    [InlineData(MediaTypes.OciLayerTarGzip, false)]
    [InlineData("application/json", false)]
    public void IsManifestType_KnownTypes(string mediaType, bool expected)
    {
        Assert.Equal(expected, MediaTypes.IsManifestType(mediaType));
    }

    [Theory]
    [InlineData(MediaTypes.OciIndex, true)]
    [InlineData(MediaTypes.DockerManifestList, true)]
    [InlineData(MediaTypes.OciManifest, false)]
    [InlineData(MediaTypes.DockerManifest, false)]
    public void IsIndex_IndexTypes(string mediaType, bool expected)
    {
        Assert.Equal(expected, MediaTypes.IsIndex(mediaType));
    }
}
