using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Origin.Tests.Api;

/// <summary>Small helpers that speak the distribution API the way a client does, and read its error bodies.</summary>
internal static class RegistryCalls
{
    public static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Monolithic push in one POST; asserts 201 and returns the digest.</summary>
    public static async Task<string> PushBlobAsync(this HttpClient client, string repository, byte[] bytes)
    {
        var digest = DigestOf(bytes);
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    public static async Task<string> StartUploadAsync(this HttpClient client, string repository)
    {
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    public static HttpContent Chunk(byte[] bytes, long start)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + bytes.Length - 1}");
        return content;
    }

    public static string AppendQuery(string location, string query) =>
        location + (location.Contains('?') ? "&" : "?") + query;

    /// <summary>An OCI image manifest over the given config and layers, as canonical JSON bytes.</summary>
    public static byte[] ImageManifest(string configDigest, int configSize, IEnumerable<(string Digest, int Size)> layers, string? subjectDigest = null, int subjectSize = 0, string? artifactType = null, string? mediaType = MediaTypes.OciManifest)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["config"] = new JsonObject { ["mediaType"] = mediaType == MediaTypes.DockerManifest ? MediaTypes.DockerConfig : MediaTypes.OciConfig, ["digest"] = configDigest, ["size"] = configSize },
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)new JsonObject { ["mediaType"] = mediaType == MediaTypes.DockerManifest ? MediaTypes.DockerLayer : MediaTypes.OciLayerTarGzip, ["digest"] = l.Digest, ["size"] = l.Size }).ToArray()),
        };
        if (artifactType is not null)
        {
            manifest["artifactType"] = artifactType;
        }

        if (subjectDigest is not null)
        {
            manifest["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = subjectDigest, ["size"] = subjectSize };
            manifest["annotations"] = new JsonObject { ["org.example.note"] = "signed" };
        }

        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    public static byte[] Index(IEnumerable<(string Digest, int Size, string Architecture)> manifests) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)new JsonObject
            {
                ["mediaType"] = MediaTypes.OciManifest,
                ["digest"] = m.Digest,
                ["size"] = m.Size,
                ["platform"] = new JsonObject { ["os"] = "linux", ["architecture"] = m.Architecture },
            }).ToArray()),
        }.ToJsonString());

    public static async Task<HttpResponseMessage> PutManifestAsync(this HttpClient client, string repository, string reference, byte[] manifest, string mediaType = MediaTypes.OciManifest)
    {
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.PutAsync($"/v2/{repository}/manifests/{reference}", content);
    }

    /// <summary>Pushes a config and two layers and a manifest tagged <paramref name="tag"/>; returns the manifest bytes and digest.</summary>
    public static async Task<(byte[] Manifest, string Digest)> PushImageAsync(this HttpClient client, string repository, string tag, string mediaType = MediaTypes.OciManifest)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var layer1 = RandomBytes(1000);
        var layer2 = RandomBytes(2000);
        var configDigest = await client.PushBlobAsync(repository, config);
        var l1 = await client.PushBlobAsync(repository, layer1);
        var l2 = await client.PushBlobAsync(repository, layer2);
        var manifest = ImageManifest(configDigest, config.Length, [(l1, layer1.Length), (l2, layer2.Length)], mediaType: mediaType);
        using var response = await client.PutManifestAsync(repository, tag, manifest, mediaType);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (manifest, DigestOf(manifest));
    }

    /// <summary>Asserts the status and that the body is the spec's error JSON with <paramref name="code"/> first.</summary>
    public static async Task AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var first = json.RootElement.GetProperty("errors")[0];
        Assert.Equal(code, first.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("message").GetString()));
    }
}
