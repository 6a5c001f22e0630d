using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>The OCI push calls over HTTP, for tests that steer each request (to one replica or another).</summary>
internal static class BlobUploads
{
    public static string DigestOf(ReadOnlySpan<byte> content) => $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";

    /// <summary>POST /v2/&lt;name&gt;/blobs/uploads/: the session's path (its Location).</summary>
    public static async Task<string> StartAsync(HttpClient client, string repository, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync($"v2/{repository}/blobs/uploads/", null, cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>PATCH one chunk at <paramref name="offset"/>; returns the response (the caller checks it).</summary>
    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, byte[] chunk, long offset, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(chunk) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + chunk.Length - 1}");
        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>PUT ?digest= with no body: completes the upload.</summary>
    public static Task<HttpResponseMessage> CompleteAsync(HttpClient client, string location, string digest, CancellationToken cancellationToken) =>
        client.PutAsync($"{location}?digest={Uri.EscapeDataString(digest)}", null, cancellationToken);

    /// <summary>A whole blob in one POST and one PUT; asserts 201.</summary>
    public static async Task PushAsync(HttpClient client, string repository, byte[] content, CancellationToken cancellationToken)
    {
        var location = await StartAsync(client, repository, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{location}?digest={Uri.EscapeDataString(DigestOf(content))}") { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
