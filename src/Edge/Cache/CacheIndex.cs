using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Observability;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// The in-memory index of the cache directory: size and last use of every file, and how many clients
/// are being served from each. Built from the directory at start (partial files of a crash, under
/// <c>tmp/</c>, are deleted). The tree:
/// <code>
/// &lt;cache.directory&gt;/
///   blobs/&lt;algorithm&gt;/&lt;2 hex&gt;/&lt;hex&gt;       verified blob bytes
///   manifests/&lt;algorithm&gt;/&lt;2 hex&gt;/&lt;hex&gt;   media type line, then the manifest bytes
///   mirror-blobs/, mirror-manifests/      the same for mirror mode (<see cref="CacheSpace"/>)
///   tags/&lt;sha256 of repository:tag&gt;          last answer of the origin (or an upstream) for a tag
///   tmp/                                  fills in progress; emptied at start
/// </code>
/// </summary>
internal sealed partial class CacheIndex
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CacheEntry> entries = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly EdgeMetrics metrics;
    private long totalSize;

    public CacheIndex(EdgeOptions options, TimeProvider time, EdgeMetrics metrics, ILogger<CacheIndex> logger)
    {
        this.time = time;
        this.metrics = metrics;
        Root = Path.GetFullPath(options.Cache.Directory);
        TempDirectory = Path.Combine(Root, "tmp");
        TagsDirectory = Path.Combine(Root, "tags");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(TagsDirectory);
        var removed = RemovePartialFiles();
        Rebuild("blobs");
        Rebuild("manifests");
        Rebuild("mirror-blobs");
        Rebuild("mirror-manifests");
        metrics.CacheSize.Set(totalSize);
        Log.Rebuilt(logger, Root, entries.Count, totalSize, removed);
    }

    public string Root { get; }

    /// <summary>Where fills write; files here are never served by path.</summary>
    public string TempDirectory { get; }

    public string TagsDirectory { get; }

    public long TotalSize
    {
        get
        {
            lock (gate)
            {
                return totalSize;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public static string BlobKey(Digest digest, CacheSpace space = CacheSpace.Origin) =>
        $"{(space == CacheSpace.Mirror ? "mirror-" : "")}blobs/{digest.Algorithm}/{digest.Hex[..2]}/{digest.Hex}";

    public static string ManifestKey(Digest digest, CacheSpace space = CacheSpace.Origin) =>
        $"{(space == CacheSpace.Mirror ? "mirror-" : "")}manifests/{digest.Algorithm}/{digest.Hex[..2]}/{digest.Hex}";

    public string PathOf(string key) => Path.Combine(Root, key);

    /// <summary>A fresh path under <see cref="TempDirectory"/>.</summary>
    public string NewTempPath() => Path.Combine(TempDirectory, Guid.NewGuid().ToString("N"));

    /// <summary>Leases the file of <paramref name="key"/> and marks it used; false when it is not cached.</summary>
    public bool TryLease(string key, out CacheLease lease)
    {
        lock (gate)
        {
            if (entries.TryGetValue(key, out var entry))
            {
                entry.Leases++;
                entry.LastUse = time.GetUtcNow();
                lease = new CacheLease(this, entry, PathOf(key));
                return true;
            }
        }

        lease = null!;
        return false;
    }

    public bool Contains(string key)
    {
        lock (gate)
        {
            return entries.ContainsKey(key);
        }
    }

    /// <summary>
    /// Publishes a verified file: moves <paramref name="tempPath"/> to the key's path and indexes it with
    /// <paramref name="leases"/> clients already reading it (each later calls <see cref="Release"/>).
    /// </summary>
    public CacheEntry Commit(string key, string tempPath, long length, int leases)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        lock (gate)
        {
            // The rename is atomic; a file already there has the same verified content.
            File.Move(tempPath, path, overwrite: true);
            if (entries.TryGetValue(key, out var existing))
            {
                existing.Leases += leases;
                existing.LastUse = time.GetUtcNow();
                return existing;
            }

            var entry = new CacheEntry(key, length, time.GetUtcNow()) { Leases = leases };
            entries.Add(key, entry);
            totalSize += length;
            metrics.CacheSize.Set(totalSize);
            return entry;
        }
    }

    public void Release(CacheEntry entry)
    {
        lock (gate)
        {
            entry.Leases--;
        }
    }

    /// <summary>
    /// Deletes least-recently-used files that no client is being served from until the total is at most
    /// <paramref name="targetSize"/> or nothing more can go; returns the files and bytes removed.
    /// </summary>
    public (int Files, long Bytes) EvictTo(long targetSize)
    {
        lock (gate)
        {
            if (totalSize <= targetSize)
            {
                return (0, 0);
            }

            var files = 0;
            var bytes = 0L;
            foreach (var entry in entries.Values.Where(e => e.Leases == 0).OrderBy(e => e.LastUse).ToList())
            {
                if (totalSize <= targetSize)
                {
                    break;
                }

                // Deleted under the lock so that no lease can be taken between the check and the delete.
                File.Delete(PathOf(entry.Key));
                entries.Remove(entry.Key);
                totalSize -= entry.Length;
                files++;
                bytes += entry.Length;
            }

            metrics.CacheSize.Set(totalSize);
            return (files, bytes);
        }
    }

    private int RemovePartialFiles()
    {
        var removed = 0;
        if (Directory.Exists(TempDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(TempDirectory))
            {
                File.Delete(file);
                removed++;
            }
        }

        Directory.CreateDirectory(TempDirectory);
        return removed;
    }

    private void Rebuild(string kind)
    {
        var directory = Path.Combine(Root, kind);
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            var parts = relative.Split('/');
            if (parts.Length != 4 || !Digest.TryParse($"{parts[1]}:{parts[3]}", out var digest) || parts[2] != digest.Hex[..2])
            {
                // Not ours (or half of an older layout): the cache directory belongs to the edge.
                File.Delete(file);
                continue;
            }

            var info = new FileInfo(file);
            entries[relative] = new CacheEntry(relative, info.Length, info.LastWriteTimeUtc);
            totalSize += info.Length;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Cache index of {Root} rebuilt: {Files} files, {Bytes} bytes; {Partial} partial files removed")]
        public static partial void Rebuilt(ILogger logger, string root, int files, long bytes, int partial);
    }
}
