using System.Security.Cryptography;

namespace EdgeRegistry.Distribution.Digests;

/// <summary>An incremental hasher for one digest algorithm.</summary>
public sealed class DigestHasher : IDisposable
{
    private readonly IncrementalHash hash;

    public DigestHasher(string algorithm = Digest.Sha256)
    {
        Algorithm = algorithm;
        hash = IncrementalHash.CreateHash(algorithm switch
        {
            Digest.Sha256 => HashAlgorithmName.SHA256,
            Digest.Sha512 => HashAlgorithmName.SHA512,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unsupported digest algorithm"),
        });
    }

    public string Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

    /// <summary>The digest of everything appended so far; the hasher can keep going afterwards.</summary>
    public Digest Current()
    {
        Span<byte> buffer = stackalloc byte[64];
        var written = hash.GetCurrentHash(buffer);
        return Digest.FromHash(Algorithm, buffer[..written]);
    }

    public static Digest Compute(ReadOnlySpan<byte> data, string algorithm = Digest.Sha256)
    {
        using var hasher = new DigestHasher(algorithm);
        hasher.Append(data);
        return hasher.Current();
    }

    public void Dispose() => hash.Dispose();
}
