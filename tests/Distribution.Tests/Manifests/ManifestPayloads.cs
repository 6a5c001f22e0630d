using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Distribution.Tests.Manifests;

/// <summary>Realistic manifests built in the test, with digests and sizes computed from real content.</summary>
internal static class ManifestPayloads
{
    public const string ConfigJson = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Cmd":["/bin/sh"]}}""";

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string DigestOf(string content) => DigestOf(Encoding.UTF8.GetBytes(content));

    /// <summary>A descriptor of <paramref name="content"/> with its real digest and size.</summary>
    public static JsonObject DescriptorOf(string mediaType, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new JsonObject
        {
            ["mediaType"] = mediaType,
            ["digest"] = DigestOf(bytes),
            ["size"] = bytes.Length,
        };
    }

    public static JsonObject Layer(int seed, string mediaType = MediaTypes.OciLayerTarGzip) =>
        DescriptorOf(mediaType, $"layer-{seed}-" + new string((char)('a' + (seed % 26)), 100 + seed));

    public static JsonObject OciManifest() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciManifest,
        ["config"] = DescriptorOf(MediaTypes.OciConfig, ConfigJson),
        ["layers"] = new JsonArray(Layer(1), Layer(2), Layer(3)),
        ["annotations"] = new JsonObject
        {
            ["org.opencontainers.image.created"] = "2024-01-02T03:04:05Z",
            ["org.opencontainers.image.source"] = "https://example.invalid/repo",
        },
    };

    public static JsonObject DockerManifest() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.DockerManifest,
        ["config"] = DescriptorOf(MediaTypes.DockerConfig, ConfigJson),
        ["layers"] = new JsonArray(Layer(1, MediaTypes.DockerLayer), Layer(2, MediaTypes.DockerLayer)),
    };

    public static JsonObject OciIndex() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = new JsonArray(
            Child(MediaTypes.OciManifest, OciManifest(), "linux", "amd64", null),
            Child(MediaTypes.OciManifest, DockerManifest(), "linux", "arm", "v7")),
    };

    public static JsonObject DockerManifestList() => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.DockerManifestList,
        ["manifests"] = new JsonArray(
            Child(MediaTypes.DockerManifest, DockerManifest(), "linux", "amd64", null),
            Child(MediaTypes.DockerManifest, OciManifest(), "windows", "amd64", null)),
    };

    /// <summary>A schema1 manifest: fsLayers newest first, the empty layer repeated, as docker 1.x pushed them.</summary>
    public static JsonObject Schema1(bool signed)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = "openshift/busybox",
            ["tag"] = "latest",
            ["architecture"] = "amd64",
            ["fsLayers"] = new JsonArray(
                new JsonObject { ["blobSum"] = DigestOf("empty") },
                new JsonObject { ["blobSum"] = DigestOf("rootfs") },
                new JsonObject { ["blobSum"] = DigestOf("empty") }),
            ["history"] = new JsonArray(
                new JsonObject { ["v1Compatibility"] = """{"id":"c"}""" },
                new JsonObject { ["v1Compatibility"] = """{"id":"b"}""" },
                new JsonObject { ["v1Compatibility"] = """{"id":"a"}""" }),
        };
        if (signed)
        {
            manifest["signatures"] = new JsonArray(new JsonObject
            {
                ["header"] = new JsonObject { ["jwk"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256" }, ["alg"] = "ES256" },
                ["signature"] = "c2lnbmF0dXJl",
                ["protected"] = "eyJmb3JtYXRMZW5ndGgiOjEwfQ",
            });
        }

        return manifest;
    }

    /// <summary>An artifact (a signature or SBOM) in the OCI 1.1 style: empty config, artifactType, subject.</summary>
    public static JsonObject Artifact(string? artifactType, JsonObject subjectManifest)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new JsonObject
            {
                ["mediaType"] = MediaTypes.OciEmpty,
                ["digest"] = MediaTypes.OciEmptyDigest,
                ["size"] = 2,
                ["data"] = "e30=",
            },
            ["layers"] = new JsonArray(DescriptorOf("application/spdx+json", """{"spdxVersion":"SPDX-2.3"}""")),
            ["subject"] = DescriptorOf(MediaTypes.OciManifest, subjectManifest.ToJsonString()),
            ["annotations"] = new JsonObject { ["org.opencontainers.image.created"] = "2024-05-06T07:08:09Z" },
        };
        if (artifactType is not null)
        {
            manifest["artifactType"] = artifactType;
        }

        return manifest;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonObject Child(string mediaType, JsonObject manifest, string os, string architecture, string? variant)
    {
        var child = DescriptorOf(mediaType, manifest.ToJsonString());
        var platform = new JsonObject { ["architecture"] = architecture, ["os"] = os };
        if (variant is not null)
        {
            platform["variant"] = variant;
        }

        child["platform"] = platform;
        return child;
    }
}
