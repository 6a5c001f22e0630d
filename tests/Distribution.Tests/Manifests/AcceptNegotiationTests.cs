using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Distribution.Tests.Manifests;

public sealed class AcceptNegotiationTests
{
    // What docker 20+ sends on a pull, one header value per type.
    private static readonly string[] DockerAccept =
    [
        MediaTypes.DockerManifest,
        MediaTypes.DockerManifestList,
        MediaTypes.OciManifest,
        MediaTypes.OciIndex,
        MediaTypes.DockerSchema1Signed,
    ];

    [Theory]
    [InlineData(MediaTypes.OciManifest)]
    [InlineData(MediaTypes.OciIndex)]
    [InlineData(MediaTypes.DockerManifest)]
    [InlineData(MediaTypes.DockerManifestList)]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    public void IsAcceptable_DockerClientAcceptList_EveryStoredTypeAccepted(string stored)
    {
        Assert.True(AcceptNegotiation.IsAcceptable(DockerAccept, stored));
    }

    [Fact]
    public void IsAcceptable_NoAcceptHeader_True()
    {
        Assert.True(AcceptNegotiation.IsAcceptable([], MediaTypes.OciManifest));
        Assert.True(AcceptNegotiation.IsAcceptable(null, MediaTypes.OciManifest));
        Assert.True(AcceptNegotiation.IsAcceptable([""], MediaTypes.OciIndex));
        Assert.True(AcceptNegotiation.IsAcceptable([null], MediaTypes.DockerManifest));
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("application/*")]
    [InlineData("application/json, */*;q=0.5")]
    public void IsAcceptable_Wildcard_True(string accept)
    {
        Assert.True(AcceptNegotiation.IsAcceptable([MediaTypes.DockerManifest, accept], MediaTypes.OciIndex));
    }

    [Fact]
    public void IsAcceptable_CommaSeparatedWithParameters_Matches()
    {
        var accept = $"{MediaTypes.DockerManifest};q=0.9, {MediaTypes.OciManifest}; charset=utf-8";

        Assert.True(AcceptNegotiation.IsAcceptable([accept], MediaTypes.OciManifest));
        Assert.False(AcceptNegotiation.IsAcceptable([accept], MediaTypes.OciIndex));
    }

    [Fact]
    public void IsAcceptable_CaseInsensitive_Matches()
    {
        Assert.True(AcceptNegotiation.IsAcceptable(["Application/VND.OCI.Image.Manifest.v1+JSON"], MediaTypes.OciManifest));
    }

    [Fact]
    public void IsAcceptable_ClientListsOtherManifestTypesOnly_False()
    {
        // A client that knows only Docker schema2 asks for an OCI manifest: we do not convert.
        string[] accept = [MediaTypes.DockerManifest, MediaTypes.DockerManifestList];

        Assert.False(AcceptNegotiation.IsAcceptable(accept, MediaTypes.OciManifest));
        Assert.False(AcceptNegotiation.IsAcceptable(accept, MediaTypes.OciIndex));
        Assert.True(AcceptNegotiation.IsAcceptable(accept, MediaTypes.DockerManifest));
    }

    [Fact]
    public void IsAcceptable_OldClientSchema1Only_SchemaTwoRefused()
    {
        string[] accept = [MediaTypes.DockerSchema1Signed, "application/json"];

        Assert.False(AcceptNegotiation.IsAcceptable(accept, MediaTypes.DockerManifest));
        Assert.True(AcceptNegotiation.IsAcceptable(accept, MediaTypes.DockerSchema1Signed));
    }

    [Fact]
    public void IsAcceptable_Schema1SignedAndUnsigned_StandForEachOther()
    {
        Assert.True(AcceptNegotiation.IsAcceptable([MediaTypes.DockerSchema1], MediaTypes.DockerSchema1Signed));
        Assert.True(AcceptNegotiation.IsAcceptable([MediaTypes.DockerSchema1Signed], MediaTypes.DockerSchema1));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html, application/xhtml+xml")]
    [InlineData("application/vnd.oci.image.config.v1+json")]
    public void IsAcceptable_NoManifestTypeListed_TrueWithStoredType(string accept)
    {
        Assert.True(AcceptNegotiation.IsAcceptable([accept], MediaTypes.OciManifest));
    }

    [Theory]
    [InlineData("q=0")]
    [InlineData("q=0.0")]
    [InlineData("q=0.000")]
    [InlineData(" Q = 0 ")]
    public void IsAcceptable_StoredTypeWithQualityZero_NotAMatch(string quality)
    {
        var accept = $"{MediaTypes.OciManifest};{quality}, {MediaTypes.DockerManifest}";

        Assert.False(AcceptNegotiation.IsAcceptable([accept], MediaTypes.OciManifest));
    }

    [Theory]
    [InlineData("q=0.5")]
    [InlineData("q=1")]
    [InlineData("q=0.001")]
    public void IsAcceptable_StoredTypeWithPositiveQuality_Match(string quality)
    {
        Assert.True(AcceptNegotiation.IsAcceptable([$"{MediaTypes.OciManifest};{quality}"], MediaTypes.OciManifest));
    }
}
