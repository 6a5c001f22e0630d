using System.Runtime.CompilerServices;

namespace EdgeRegistry.Origin.Storage.InMemory;

/// <summary>
/// Keeps every file in memory, for tests and the <c>inmemory</c> driver of the configuration: holding bytes
/// in memory is the point here, so nothing survives the process. One lock guards the whole tree; file
/// contents are immutable arrays replaced whole, so readers never see a mix. Directories exist explicitly,
/// as on a file system: writes create their parents and deleting a file leaves its directory.
/// </summary>
internal sealed class InMemoryStorageDriver : IStorageDriver
{
    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly InMemoryDirectory root;

    public InMemoryStorageDriver()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A driver whose modification times come from <paramref name="timeProvider"/>.</summary>
    public InMemoryStorageDriver(TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        root = new InMemoryDirectory(timeProvider.GetUtcNow());
    }

    public string Name => "inmemory";

    public Task<byte[]> GetContentAsync(string path, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            StoragePath.ValidateFile(path);
            lock (gate)
            {
                return GetFile(path).Content.ToArray();
            }
        });

    public Task PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            StoragePath.ValidateFile(path);
            var copy = content.ToArray();
            lock (gate)
            {
                var now = timeProvider.GetUtcNow();
                var parent = CreateDirectories(StoragePath.Parent(path), now);
                SetChild(parent, StoragePath.Name(path), new InMemoryFile(copy, now), now);
            }

            return true;
        });

    public Task<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken) =>
        Run<Stream>(cancellationToken, () =>
        {
            StoragePath.ValidateFile(path);
            byte[] content;
            lock (gate)
            {
                content = GetFile(path).Content;
            }

            if (offset < 0 || offset > content.Length)
            {
                throw new InvalidStorageOffsetException(path, offset);
            }

            return new MemoryStream(content, (int)offset, content.Length - (int)offset, writable: false);
        });

    public Task<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken) =>
        Run<IStorageWriter>(cancellationToken, () =>
        {
            StoragePath.ValidateFile(path);
            lock (gate)
            {
                var now = timeProvider.GetUtcNow();
                if (append)
                {
                    var existing = GetFile(path);
                    return new InMemoryStorageWriter(this, path, existing, existing.Content);
                }

                var parent = CreateDirectories(StoragePath.Parent(path), now);
                var file = new InMemoryFile([], now);
                SetChild(parent, StoragePath.Name(path), file, now);
                return new InMemoryStorageWriter(this, path, file, []);
            }
        });

    public Task<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            StoragePath.ValidateDirectory(path);
            lock (gate)
            {
                return Find(path) switch
                {
                    InMemoryFile file => new StorageFileInfo(path, file.Content.Length, file.Modified, IsDirectory: false),
                    InMemoryDirectory directory => new StorageFileInfo(path, 0, directory.Modified, IsDirectory: true),
                    _ => throw new StoragePathNotFoundException(path),
                };
            }
        });

    public Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<string>>(cancellationToken, () =>
        {
            StoragePath.ValidateDirectory(path);
            lock (gate)
            {
                return GetDirectory(path).Children.Keys.Select(name => StoragePath.Join(path, name)).ToList();
            }
        });

    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            StoragePath.ValidateFile(sourcePath);
            StoragePath.ValidateFile(destinationPath);
            lock (gate)
            {
                var file = GetFile(sourcePath);
                if (sourcePath == destinationPath)
                {
                    return true;
                }

                var now = timeProvider.GetUtcNow();
                var destination = CreateDirectories(StoragePath.Parent(destinationPath), now);
                SetChild(destination, StoragePath.Name(destinationPath), file, now);
                var source = (InMemoryDirectory)Find(StoragePath.Parent(sourcePath))!;
                source.Children.Remove(StoragePath.Name(sourcePath));
                source.Modified = now;
            }

            return true;
        });

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        Run(cancellationToken, () =>
        {
            StoragePath.ValidateFile(path);
            lock (gate)
            {
                if (Find(StoragePath.Parent(path)) is not InMemoryDirectory parent
                    || !parent.Children.Remove(StoragePath.Name(path)))
                {
                    throw new StoragePathNotFoundException(path);
                }

                parent.Modified = timeProvider.GetUtcNow();
            }

            return true;
        });

    public Task<Uri?> RedirectUrlAsync(string path, string method, CancellationToken cancellationToken) =>
        Run<Uri?>(cancellationToken, () =>
        {
            StoragePath.ValidateFile(path);
            return null;
        });

    /// <inheritdoc/>
    /// <remarks>Walks a snapshot taken when enumeration starts.</remarks>
    public async IAsyncEnumerable<StorageFileInfo> WalkAsync(
        string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StoragePath.ValidateDirectory(path);
        var files = new List<StorageFileInfo>();
        lock (gate)
        {
            Collect(path, GetDirectory(path), files);
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return file;
        }
    }

    /// <summary>Makes what a writer wrote the content of its file, if the file still exists anywhere.</summary>
    internal void Publish(InMemoryFile file, byte[] content)
    {
        lock (gate)
        {
            file.Content = content;
            file.Modified = timeProvider.GetUtcNow();
        }
    }

    /// <summary>Deletes <paramref name="path"/> when it is still the writer's <paramref name="file"/>.</summary>
    internal void Remove(string path, InMemoryFile file)
    {
        lock (gate)
        {
            if (Find(StoragePath.Parent(path)) is InMemoryDirectory parent
                && parent.Children.TryGetValue(StoragePath.Name(path), out var node)
                && ReferenceEquals(node, file))
            {
                parent.Children.Remove(StoragePath.Name(path));
                parent.Modified = timeProvider.GetUtcNow();
            }
        }
    }

    private static void Collect(string path, InMemoryDirectory directory, List<StorageFileInfo> files)
    {
        foreach (var (name, node) in directory.Children)
        {
            var childPath = StoragePath.Join(path, name);
            switch (node)
            {
                case InMemoryFile file:
                    files.Add(new StorageFileInfo(childPath, file.Content.Length, file.Modified, IsDirectory: false));
                    break;
                case InMemoryDirectory subdirectory:
                    Collect(childPath, subdirectory, files);
                    break;
            }
        }
    }

    private static void SetChild(InMemoryDirectory parent, string name, InMemoryNode node, DateTimeOffset now)
    {
        if (parent.Children.TryGetValue(name, out var existing) && existing is InMemoryDirectory)
        {
            throw new IOException($"'{name}' is a directory");
        }

        parent.Children[name] = node;
        parent.Modified = now;
    }

    private static Task<T> Run<T>(CancellationToken cancellationToken, Func<T> work)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(work());
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private InMemoryNode? Find(string path)
    {
        InMemoryNode node = root;
        if (path.Length == 1)
        {
            return node;
        }

        foreach (var range in path.AsSpan(1).Split('/'))
        {
            if (node is not InMemoryDirectory directory
                || !directory.Children.TryGetValue(path[1..][range], out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private InMemoryFile GetFile(string path) =>
        Find(path) as InMemoryFile ?? throw new StoragePathNotFoundException(path);

    private InMemoryDirectory GetDirectory(string path) =>
        Find(path) as InMemoryDirectory ?? throw new StoragePathNotFoundException(path);

    // mkdir -p: a component that is a file fails as it does on a file system.
    private InMemoryDirectory CreateDirectories(string path, DateTimeOffset now)
    {
        var directory = root;
        if (path.Length == 1)
        {
            return directory;
        }

        foreach (var name in path[1..].Split('/'))
        {
            if (!directory.Children.TryGetValue(name, out var child))
            {
                child = new InMemoryDirectory(now);
                directory.Children.Add(name, child);
                directory.Modified = now;
            }

            directory = child as InMemoryDirectory ?? throw new IOException($"'{name}' is not a directory");
        }

        return directory;
    }
}
