using System.Net;
using System.Security.Cryptography;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>A file of seeded random bytes written (and hashed) one MiB at a time, never whole in memory.</summary>
public sealed record RandomBlob(string Path, long Length, string Digest)
{
    private const int Chunk = 1024 * 1024;

    /// <summary>Writes <paramref name="mebibytes"/> MiB of bytes from <paramref name="seed"/> to <paramref name="path"/>.</summary>
    public static RandomBlob Write(string path, int mebibytes, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[Chunk];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(path))
        {
            for (var i = 0; i < mebibytes; i++)
            {
                random.NextBytes(buffer);
                hash.AppendData(buffer);
                file.Write(buffer);
            }
        }

        return new RandomBlob(path, (long)mebibytes * Chunk, $"sha256:{Convert.ToHexStringLower(hash.GetHashAndReset())}");
    }

    /// <summary>The digest of a stream read to its end.</summary>
    public static async Task<string> DigestOfAsync(Stream stream, CancellationToken cancellationToken) =>
        $"sha256:{Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken))}";

    /// <summary>Pushes the file to <paramref name="repository"/> in one monolithic upload (POST, then PUT streaming the file).</summary>
    public async Task PushAsync(HttpClient registry, string repository, CancellationToken cancellationToken)
    {
        using var start = await registry.PostAsync($"v2/{repository}/blobs/uploads/", null, cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!;
        var separator = location.OriginalString.Contains('?') ? '&' : '?';
        await using var file = File.OpenRead(Path);
        using var content = new StreamContent(file, Chunk);
        content.Headers.ContentType = new("application/octet-stream");
        using var put = await registry.PutAsync($"{location.OriginalString}{separator}digest={Uri.EscapeDataString(Digest)}", content, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }
}
