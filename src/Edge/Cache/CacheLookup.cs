namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// What the cache has for a digest: the file (<see cref="Lease"/>), a fill in flight to join
/// (<see cref="Fill"/>, <see cref="StartedHere"/> false), a fill this caller started with its
/// credentials (<see cref="StartedHere"/> true), or nothing (a HEAD, which never starts a fill).
/// </summary>
internal readonly record struct CacheLookup(CacheLease? Lease, BlobFill? Fill, bool StartedHere);
