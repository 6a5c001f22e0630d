namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// A remote repository pull-through may fetch a repository's blobs from: <paramref name="Registry"/>
/// (<c>docker.io</c>, <c>host:port</c>) and the repository there, as an image stream status entry names it.
/// <paramref name="IsInsecure"/> when the registry is reached over plain HTTP or unverified TLS.
/// </summary>
internal sealed record RemoteCandidate(string Registry, string Repository, bool IsInsecure)
{
    public override string ToString() => $"{Registry}/{Repository}";
}
