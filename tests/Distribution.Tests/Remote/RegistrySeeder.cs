using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Manifests;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>Pushes content to a test registry with a plain HttpClient, as a docker client would (monolithic blob uploads, manifest PUT).</summary>
internal static class RegistrySeeder
{
    /// <summary>Pushes an image of one random layer of <paramref name="layerSize"/> bytes under <paramref name="tag"/>.</summary>
    public static async Task<SeededImage> PushImageAsync(
        HttpClient http,
        Uri registry,
        string repository,
        string tag,
        int layerSize,
        AuthenticationHeaderValue? authorization = null)
    {
        var layer = RandomNumberGenerator.GetBytes(layerSize);
        var layerDigest = DigestHasher.Compute(layer);
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{layerDigest}}}"]}}""");
        var configDigest = DigestHasher.Compute(config);
        await PushBlobAsync(http, registry, repository, config, authorization);
        await PushBlobAsync(http, registry, repository, layer, authorization);

        var manifest = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifest}}}",
             "config":{"mediaType":"{{{MediaTypes.OciConfig}}}","digest":"{{{configDigest}}}","size":{{{config.Length}}}},
             "layers":[{"mediaType":"{{{MediaTypes.OciLayerTarGzip}}}","digest":"{{{layerDigest}}}","size":{{{layer.Length}}}}]}
            """);
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(registry, $"v2/{repository}/manifests/{tag}"))
        {
            Content = new ByteArrayContent(manifest) { Headers = { ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest) } },
        };
        put.Headers.Authorization = authorization;
        using var response = await http.SendAsync(put);
        await ExpectAsync(response, HttpStatusCode.Created);
        return new SeededImage(repository, tag, manifest, DigestHasher.Compute(manifest), config, configDigest, layer, layerDigest);
    }

    public static async Task PushBlobAsync(HttpClient http, Uri registry, string repository, byte[] content, AuthenticationHeaderValue? authorization = null)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, new Uri(registry, $"v2/{repository}/blobs/uploads/"));
        start.Headers.Authorization = authorization;
        using var started = await http.SendAsync(start);
        await ExpectAsync(started, HttpStatusCode.Accepted);
        var location = new Uri(registry, started.Headers.Location!);
        var separator = location.Query.Length > 0 ? "&" : "?";
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(location + separator + "digest=" + Uri.EscapeDataString(DigestHasher.Compute(content).ToString())))
        {
            Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream) } },
        };
        put.Headers.Authorization = authorization;
        using var done = await http.SendAsync(put);
        await ExpectAsync(done, HttpStatusCode.Created);
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"seeding: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
