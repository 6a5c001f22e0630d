using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>
/// Generates test images on disk (never checked in): an OCI image layout at <see cref="LayoutPath"/> that
/// holds single-platform images and multi-platform indexes under tags, and Docker schema2 images in
/// skopeo's <c>dir:</c> format (skopeo copies a <c>dir:</c> manifest as is, so the destination serves
/// exactly the Docker schema2 bytes written here). Layers are gzip'ed tars of random bytes.
/// </summary>
public sealed class OciLayoutBuilder : IDisposable
{
    /// <summary>The default size of the random content of one layer (before gzip, which cannot shrink it).</summary>
    public const int DefaultLayerSize = 256 * 1024;

    private static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _directory = new("oci-layout-");
    private readonly JsonArray _indexEntries = [];

    /// <summary>Creates an empty OCI image layout in a new temp directory.</summary>
    public OciLayoutBuilder()
    {
        LayoutPath = _directory.CreateSubdirectory("layout");
        Directory.CreateDirectory(Path.Combine(LayoutPath, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(LayoutPath, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        WriteIndexJson();
    }

    /// <summary>The OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/</c>).</summary>
    public string LayoutPath { get; }

    /// <summary>A new, not yet existing path inside this builder's temp directory, for copies going out.</summary>
    public string NewPath(string name) => _directory.Combine($"{name}-{Guid.NewGuid():N}");

    /// <summary>
    /// Writes a single-platform OCI image (<paramref name="layerCount"/> layers of
    /// <paramref name="layerSize"/> random bytes each, plus a config) and tags it <paramref name="tag"/>.
    /// </summary>
    public GeneratedImage AddImage(string tag, int layerCount = 3, int layerSize = DefaultLayerSize, ImagePlatform? platform = null)
    {
        var image = WriteImage(LayoutPath, useOciLayout: true, tag, layerCount, layerSize, platform ?? ImagePlatform.LinuxAmd64, docker: false);
        AddIndexEntry(image);
        return image;
    }

    /// <summary>
    /// Writes an OCI image index with one image per platform (linux/amd64 and linux/arm64 unless given),
    /// each with its own layers and config, and tags the index <paramref name="tag"/>.
    /// </summary>
    public GeneratedImage AddIndex(string tag, IReadOnlyList<ImagePlatform>? platforms = null, int layerCount = 2, int layerSize = DefaultLayerSize)
    {
        platforms ??= [ImagePlatform.LinuxAmd64, ImagePlatform.LinuxArm64];
        var children = platforms
            .Select(platform => WriteImage(LayoutPath, useOciLayout: true, tag, layerCount, layerSize, platform, docker: false))
            .ToList();
        var manifests = new JsonArray();
        foreach (var child in children)
        {
            manifests.Add(new JsonObject
            {
                ["mediaType"] = child.MediaType,
                ["digest"] = child.ManifestDigest,
                ["size"] = child.Manifest.Length,
                ["platform"] = new JsonObject { ["architecture"] = child.Platform!.Architecture, ["os"] = child.Platform.Os },
            });
        }

        var index = Serialize(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypeNames.OciIndex,
            ["manifests"] = manifests,
        });
        var digest = WriteBlob(LayoutPath, useOciLayout: true, index);
        var image = new GeneratedImage($"oci:{LayoutPath}:{tag}", tag, MediaTypeNames.OciIndex, digest, index, null, [], children, null);
        AddIndexEntry(image);
        return image;
    }

    /// <summary>
    /// Writes a Docker schema2 image (Docker media types for manifest, config and layers) as a skopeo
    /// <c>dir:</c> directory of its own; <see cref="GeneratedImage.Reference"/> is <c>dir:&lt;path&gt;</c>.
    /// </summary>
    public GeneratedImage AddDockerSchema2Image(string tag, int layerCount = 3, int layerSize = DefaultLayerSize, ImagePlatform? platform = null)
    {
        var path = _directory.CreateSubdirectory($"docker-{tag}-{Guid.NewGuid():N}");
        File.WriteAllText(Path.Combine(path, "version"), "Directory Transport Version: 1.1\n");
        var image = WriteImage(path, useOciLayout: false, tag, layerCount, layerSize, platform ?? ImagePlatform.LinuxAmd64, docker: true);
        File.WriteAllBytes(Path.Combine(path, "manifest.json"), image.Manifest);
        return image with { Reference = $"dir:{path}" };
    }

    /// <summary>The <c>sha256:</c> digest of <paramref name="content"/>.</summary>
    public static string DigestOf(ReadOnlySpan<byte> content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    public void Dispose() => _directory.Dispose();

    private static GeneratedImage WriteImage(string root, bool useOciLayout, string tag, int layerCount, int layerSize, ImagePlatform platform, bool docker)
    {
        var layers = new List<BlobDescriptor>();
        var diffIds = new JsonArray();
        for (var i = 0; i < layerCount; i++)
        {
            var (compressed, diffId) = CreateLayer(i, layerSize);
            var digest = WriteBlob(root, useOciLayout, compressed);
            layers.Add(new BlobDescriptor(docker ? MediaTypeNames.DockerLayerGzip : MediaTypeNames.OciLayerGzip, digest, compressed.Length));
            diffIds.Add(diffId);
        }

        var configBytes = Serialize(new JsonObject
        {
            ["created"] = Created.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["architecture"] = platform.Architecture,
            ["os"] = platform.Os,
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("/bin/true"),
                ["Labels"] = new JsonObject { ["org.opencontainers.image.title"] = tag, ["test.nonce"] = Guid.NewGuid().ToString("N") },
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = diffIds },
            ["history"] = new JsonArray(new JsonObject { ["created"] = Created.ToString("yyyy-MM-ddTHH:mm:ssZ"), ["created_by"] = "EdgeRegistry test harness" }),
        });
        var config = new BlobDescriptor(docker ? MediaTypeNames.DockerConfig : MediaTypeNames.OciConfig, WriteBlob(root, useOciLayout, configBytes), configBytes.Length);

        var manifestType = docker ? MediaTypeNames.DockerManifest : MediaTypeNames.OciManifest;
        var layerArray = new JsonArray();
        foreach (var layer in layers)
        {
            layerArray.Add(Descriptor(layer));
        }

        var manifest = Serialize(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = manifestType,
            ["config"] = Descriptor(config),
            ["layers"] = layerArray,
        });

        // In a dir: image the manifest is manifest.json only; writing it as a blob too would make skopeo
        // see a stray file, so only the OCI layout stores it under blobs/.
        var manifestDigest = useOciLayout ? WriteBlob(root, useOciLayout, manifest) : DigestOf(manifest);
        return new GeneratedImage($"oci:{root}:{tag}", tag, manifestType, manifestDigest, manifest, config, layers, [], platform);
    }

    private static (byte[] Compressed, string DiffId) CreateLayer(int index, int size)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directory = new PaxTarEntry(TarEntryType.Directory, $"layer{index}/") { ModificationTime = Created, Mode = (UnixFileMode)0b111_101_101 };
            writer.WriteEntry(directory);

            // Two files per layer: sizes that are not multiples of the tar block size exercise padding.
            var first = size / 3;
            foreach (var (name, length) in new[] { ("a.bin", first), ("b.bin", size - first) })
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"layer{index}/{name}")
                {
                    ModificationTime = Created,
                    Mode = (UnixFileMode)0b110_100_100,
                    DataStream = new MemoryStream(RandomNumberGenerator.GetBytes(length)),
                };
                writer.WriteEntry(entry);
            }
        }

        var uncompressed = tar.ToArray();
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(uncompressed);
        }

        return (gz.ToArray(), DigestOf(uncompressed));
    }

    private static string WriteBlob(string root, bool useOciLayout, byte[] content)
    {
        var digest = DigestOf(content);
        var hex = digest["sha256:".Length..];

        // OCI layout: blobs/sha256/<hex>; skopeo's dir: transport (version 1.1): <hex> at the top.
        var path = useOciLayout ? Path.Combine(root, "blobs", "sha256", hex) : Path.Combine(root, hex);
        File.WriteAllBytes(path, content);
        return digest;
    }

    private static JsonObject Descriptor(BlobDescriptor blob) => new()
    {
        ["mediaType"] = blob.MediaType,
        ["digest"] = blob.Digest,
        ["size"] = blob.Size,
    };

    private static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, new JsonSerializerOptions { WriteIndented = true });

    private void AddIndexEntry(GeneratedImage image)
    {
        _indexEntries.Add(new JsonObject
        {
            ["mediaType"] = image.MediaType,
            ["digest"] = image.ManifestDigest,
            ["size"] = image.Manifest.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = image.Tag },
        });
        WriteIndexJson();
    }

    private void WriteIndexJson()
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypeNames.OciIndex,
            ["manifests"] = _indexEntries.DeepClone(),
        };
        File.WriteAllBytes(Path.Combine(LayoutPath, "index.json"), Serialize(index));
    }
}
