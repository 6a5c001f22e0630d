using System.Text.Json;

namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>Reads what skopeo wrote: OCI image layouts and <c>dir:</c> images.</summary>
public static class OciLayoutReader
{
    /// <summary>
    /// Returns the descriptor that <c>index.json</c> of the layout at <paramref name="layoutPath"/> tags
    /// <paramref name="tag"/> (annotation <c>org.opencontainers.image.ref.name</c>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No entry carries the tag.</exception>
    public static BlobDescriptor FindTagged(string layoutPath, string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layoutPath, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (entry.TryGetProperty("annotations", out var annotations)
                && annotations.TryGetProperty("org.opencontainers.image.ref.name", out var name)
                && name.GetString() == tag)
            {
                return new BlobDescriptor(
                    entry.GetProperty("mediaType").GetString()!,
                    entry.GetProperty("digest").GetString()!,
                    entry.GetProperty("size").GetInt64());
            }
        }

        throw new KeyNotFoundException($"No manifest tagged '{tag}' in {layoutPath}/index.json.");
    }

    /// <summary>The bytes of blob <paramref name="digest"/> (<c>sha256:</c>) in the layout.</summary>
    public static byte[] ReadBlob(string layoutPath, string digest) =>
        File.ReadAllBytes(BlobPath(layoutPath, digest));

    /// <summary>Whether the layout holds blob <paramref name="digest"/>.</summary>
    public static bool HasBlob(string layoutPath, string digest) => File.Exists(BlobPath(layoutPath, digest));

    /// <summary>The manifest bytes of a <c>dir:</c> image.</summary>
    public static byte[] ReadDirManifest(string directory) => File.ReadAllBytes(Path.Combine(directory, "manifest.json"));

    /// <summary>The bytes of blob <paramref name="digest"/> in a <c>dir:</c> image.</summary>
    public static byte[] ReadDirBlob(string directory, string digest) =>
        File.ReadAllBytes(Path.Combine(directory, digest["sha256:".Length..]));

    private static string BlobPath(string layoutPath, string digest)
    {
        var parts = digest.Split(':', 2);
        return Path.Combine(layoutPath, "blobs", parts[0], parts[1]);
    }
}
