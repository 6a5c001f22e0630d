namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>The platform of one image of an index (OCI image spec <c>platform</c> object).</summary>
public sealed record ImagePlatform(string Os, string Architecture)
{
    /// <summary>linux/amd64.</summary>
    public static ImagePlatform LinuxAmd64 { get; } = new("linux", "amd64");

    /// <summary>linux/arm64.</summary>
    public static ImagePlatform LinuxArm64 { get; } = new("linux", "arm64");

    public override string ToString() => $"{Os}/{Architecture}";
}
