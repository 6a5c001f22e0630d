namespace EdgeRegistry.Edge.Upstream;

/// <summary>
/// A repository of a remote registry the edge may fetch from: <paramref name="Registry"/> (<c>docker.io</c>,
/// <c>host:port</c>, normalized) and the repository there (<c>library/busybox</c>). <paramref name="IsInsecure"/> when
/// the registry is reached over plain HTTP or unverified TLS.
/// </summary>
internal sealed record RemoteRepository(string Registry, string Repository, bool IsInsecure = false)
{
    public override string ToString() => $"{Registry}/{Repository}";
}
