using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>Writes OCI image layouts for skopeo to push: images of random gzip layers, and multi-platform indexes of them.</summary>
internal sealed class OciImage
{
    private readonly string root;
    private readonly List<(string MediaType, Digest Digest, long Size, string? Platform)> manifests = [];

    public OciImage(string root)
    {
        this.root = root;
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(root, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    /// <summary>The digest of the top-level manifest or index written by <see cref="Save"/>.</summary>
    public Digest TopDigest { get; private set; }

    /// <summary>Adds an image of <paramref name="layerSizes"/> random bytes each, for <paramref name="architecture"/>.</summary>
    public Digest AddImage(string architecture, int seed, params int[] layerSizes)
    {
        var layers = new List<object>();
        var diffIds = new List<string>();
        for (var i = 0; i < layerSizes.Length; i++)
        {
            var (compressed, diffId) = Layer(layerSizes[i], seed * 100 + i);
            var (digest, size) = WriteBlob(compressed);
            layers.Add(new { mediaType = MediaTypes.OciLayerTarGzip, digest = digest.ToString(), size });
            diffIds.Add(diffId.ToString());
        }

        var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture, os = "linux", rootfs = new { type = "layers", diff_ids = diffIds } });
        var (configDigest, configSize) = WriteBlob(config);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = new { mediaType = MediaTypes.OciConfig, digest = configDigest.ToString(), size = configSize },
            layers,
        });
        var (manifestDigest, manifestSize) = WriteBlob(manifest);
        manifests.Add((MediaTypes.OciManifest, manifestDigest, manifestSize, architecture));
        return manifestDigest;
    }

    /// <summary>Writes index.json naming one image (tag <paramref name="tag"/>), or an image index of all images when there are several.</summary>
    public void Save(string tag)
    {
        object top;
        if (manifests.Count == 1)
        {
            var m = manifests[0];
            TopDigest = m.Digest;
            top = new { mediaType = m.MediaType, digest = m.Digest.ToString(), size = m.Size, annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag } };
        }
        else
        {
            var index = JsonSerializer.SerializeToUtf8Bytes(new
            {
                schemaVersion = 2,
                mediaType = MediaTypes.OciIndex,
                manifests = manifests.Select(m => new { mediaType = m.MediaType, digest = m.Digest.ToString(), size = m.Size, platform = new { architecture = m.Platform, os = "linux" } }),
            });
            var (digest, size) = WriteBlob(index);
            TopDigest = digest;
            top = new { mediaType = MediaTypes.OciIndex, digest = digest.ToString(), size, annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag } };
        }

        File.WriteAllBytes(Path.Combine(root, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, manifests = new[] { top } }));
    }

    /// <summary>Every blob file of an OCI layout whose name is not the SHA-256 of its bytes (skopeo verified nothing wrong when empty).</summary>
    public static IReadOnlyList<string> CorruptBlobs(string layout) =>
        Directory.GetFiles(Path.Combine(layout, "blobs", "sha256"))
            .Where(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))) != Path.GetFileName(f))
            .ToList();

    /// <summary>The digests of the manifests named in an OCI layout's index.json.</summary>
    public static IReadOnlyList<string> IndexDigests(string layout)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        return document.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()!).ToList();
    }

    private (Digest, long) WriteBlob(byte[] bytes)
    {
        var digest = DigestHasher.Compute(bytes);
        File.WriteAllBytes(Path.Combine(root, "blobs", "sha256", digest.Hex), bytes);
        return (digest, bytes.Length);
    }

    private static (byte[] Compressed, Digest DiffId) Layer(int size, int seed)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, $"data-{seed}.bin") { DataStream = new MemoryStream(FakeOrigin.RandomBytes(size, seed)) };
            writer.WriteEntry(entry);
        }

        var diffId = DigestHasher.Compute(tar.ToArray());
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            tar.Position = 0;
            tar.CopyTo(gzip);
        }

        return (gz.ToArray(), diffId);
    }

    /// <summary>Text for assertion messages.</summary>
    public override string ToString() => new StringBuilder().AppendJoin(", ", manifests.Select(m => m.Digest)).ToString();
}
