using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Uploads;

/// <summary>
/// What this process knows of an upload between requests: a gate that serialises its PATCH/PUT, and the
/// running hash of the bytes written so far with the offset it covers. The hash is an optimisation only:
/// when the offset does not match the stored size (another replica appended, the process restarted), the
/// bytes are hashed again from storage.
/// </summary>
internal sealed class UploadState : IDisposable
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public DigestHasher? Hasher { get; set; } = new(Digest.Sha256);

    public long HashedOffset { get; set; }

    public void ResetHash()
    {
        Hasher?.Dispose();
        Hasher = null;
    }

    public void Dispose()
    {
        Hasher?.Dispose();
        Gate.Dispose();
    }
}
