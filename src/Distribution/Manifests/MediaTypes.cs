namespace EdgeRegistry.Distribution.Manifests;

/// <summary>The media types both servers know by name.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";
    public const string OciLayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string OctetStream = "application/octet-stream";

    /// <summary>The OCI empty descriptor's content (<c>{}</c>), used as the config of artifacts without one.</summary>
    public const string OciEmptyDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    /// <summary>
    /// The essence of a Content-Type or Accept entry: <c>type/subtype</c> in lower case, parameters and
    /// whitespace removed (<c>"Application/JSON; charset=utf-8"</c> gives <c>"application/json"</c>);
    /// null for null, empty or white space.
    /// </summary>
    public static string? Essence(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var semicolon = value.IndexOf(';');
        var essence = (semicolon < 0 ? value : value[..semicolon]).Trim();
        return essence.Length == 0 ? null : essence.ToLowerInvariant();
    }

    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsSchema1(string mediaType) => mediaType is DockerSchema1 or DockerSchema1Signed;

    public static bool IsManifestType(string mediaType) =>
        mediaType is OciManifest or OciIndex or DockerManifest or DockerManifestList or DockerSchema1 or DockerSchema1Signed;
}
