using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Origin.Storage.Filesystem;

/// <summary>
/// Stores files below a root directory of the local file system; the driver path <c>/a/b</c> is the file
/// <c>&lt;root&gt;/a/b</c>, so a registry:2 <c>rootdirectory</c> can be used in place. Whole-file writes and
/// moves publish by <c>rename(2)</c> within one directory, so readers see the old or the new file, never a
/// mix, and a reader that is open keeps reading the file it opened whatever is renamed over or deleted.
/// In-flight temporary files are named <c>.tmp-&lt;32 hex&gt;</c>; they are hidden from
/// <see cref="ListAsync"/> and <see cref="WalkAsync"/>, and a path with such a component is invalid.
/// Failures other than the typed storage errors surface as the <see cref="IOException"/> that caused them
/// (a full disk, a path component that is a file).
/// </summary>
internal sealed class FilesystemStorageDriver : IStorageDriver, ILocalFileStorage, IAsyncDisposable
{
    private readonly Lock removalsLock = new();

    // Trees already renamed away by DeleteAsync, removed one after the other off the caller's path.
    private Task removals = Task.CompletedTask;

    private const string TemporaryPrefix = ".tmp-";
    private const int TemporaryNameLength = 5 + 32;

    // A directory this driver created can be removed by a concurrent tree delete before the file lands in
    // it; trying again a few times makes that race invisible without ever looping forever.
    private const int DirectoryRaceAttempts = 3;

    /// <summary>Creates the root directory (and its parents) when missing, so a start-up without permission fails at once.</summary>
    public FilesystemStorageDriver(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        Directory.CreateDirectory(RootDirectory);
    }

    /// <summary>The absolute root directory every path maps below.</summary>
    public string RootDirectory { get; }

    public string Name => "filesystem";

    /// <inheritdoc/>
    /// <remarks>Does not check that the file exists.</remarks>
    public string GetLocalPath(string path) => LocalFile(path);

    public async Task<byte[]> GetContentAsync(string path, CancellationToken cancellationToken)
    {
        var local = LocalFile(path);
        await using var stream = OpenRead(path, local);
        // The length is a hint only: an upload's data file may still be growing.
        using var content = new MemoryStream((int)Math.Min(stream.Length, Array.MaxLength));
        await stream.CopyToAsync(content, cancellationToken);
        return content.Length == content.Capacity ? content.GetBuffer() : content.ToArray();
    }

    public async Task PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var local = LocalFile(path);
        var directory = Path.GetDirectoryName(local)!;
        for (var attempt = 1; ; attempt++)
        {
            DirectorySync.CreateDirectory(directory);
            var temporary = TemporaryPath(directory);
            try
            {
                await using (var stream = new FileStream(
                    temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
                {
                    await stream.WriteAsync(content, cancellationToken);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, local, overwrite: true);
                DirectorySync.Flush(directory);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < DirectoryRaceAttempts)
            {
                // The directory was deleted under us before the temporary file was created or renamed.
                TryDeleteFile(temporary);
            }
            catch
            {
                TryDeleteFile(temporary);
                throw;
            }
        }
    }

    public Task<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var local = LocalFile(path);
            var stream = OpenRead(path, local);
            try
            {
                if (offset < 0 || offset > stream.Length)
                {
                    throw new InvalidStorageOffsetException(path, offset);
                }

                stream.Seek(offset, SeekOrigin.Begin);
                return Task.FromResult<Stream>(stream);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (Exception e)
        {
            return Task.FromException<Stream>(e);
        }
    }

    public Task<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var local = LocalFile(path);
            var handle = append
                ? OpenWrite(path, local, FileMode.Open)
                : CreateInDirectory(local, () => OpenWrite(path, local, FileMode.Create));
            return Task.FromResult<IStorageWriter>(new FilesystemStorageWriter(local, handle));
        }
        catch (Exception e)
        {
            return Task.FromException<IStorageWriter>(e);
        }
    }

    public Task<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var local = LocalDirectory(path);
            var file = new FileInfo(local);
            if (file.Exists)
            {
                return Task.FromResult(new StorageFileInfo(path, file.Length, file.LastWriteTimeUtc, IsDirectory: false));
            }

            var directory = new DirectoryInfo(local);
            if (directory.Exists)
            {
                return Task.FromResult(new StorageFileInfo(path, 0, directory.LastWriteTimeUtc, IsDirectory: true));
            }

            throw new StoragePathNotFoundException(path);
        }
        catch (Exception e)
        {
            return Task.FromException<StorageFileInfo>(e);
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var local = LocalDirectory(path);
            var children = new List<string>();
            try
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(local))
                {
                    var name = Path.GetFileName(entry);
                    if (IsVisibleName(name))
                    {
                        children.Add(StoragePath.Join(path, name));
                    }
                }
            }
            catch (IOException) when (!Directory.Exists(local))
            {
                // Missing, or a file (ENOTDIR): not a directory either way.
                throw new StoragePathNotFoundException(path);
            }

            children.Sort(StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyList<string>>(children);
        }
        catch (Exception e)
        {
            return Task.FromException<IReadOnlyList<string>>(e);
        }
    }

    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var source = LocalFile(sourcePath);
            var destination = LocalFile(destinationPath);
            if (!File.Exists(source))
            {
                throw new StoragePathNotFoundException(sourcePath);
            }

            try
            {
                // rename(2) replaces the destination atomically; concurrent moves onto one destination all
                // succeed and the last one wins whole.
                CreateInDirectory(
                    destination,
                    () =>
                    {
                        File.Move(source, destination, overwrite: true);
                        return true;
                    },
                    durable: true);
                // The new name must survive a power cut once the caller acts on it (a blob's repository link).
                DirectorySync.Flush(Path.GetDirectoryName(destination)!);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && !File.Exists(source))
            {
                throw new StoragePathNotFoundException(sourcePath);
            }

            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var local = LocalFile(path);
            if (File.Exists(local))
            {
                File.Delete(local);
                return Task.CompletedTask;
            }

            if (!Directory.Exists(local))
            {
                throw new StoragePathNotFoundException(path);
            }

            // Renaming the tree away first makes it vanish at once, and a concurrent writer that recreates
            // the path gets a fresh directory instead of racing the recursive delete.
            var doomed = TemporaryPath(Path.GetDirectoryName(local)!);
            try
            {
                Directory.Move(local, doomed);
            }
            catch (DirectoryNotFoundException)
            {
                throw new StoragePathNotFoundException(path);
            }

            // The files themselves go in the background: unlinking a 1 GiB upload takes 0.15 s here, which a push
            // of a blob the registry already has would otherwise wait for. The hidden name is invisible meanwhile.
            lock (removalsLock)
            {
                removals = removals.ContinueWith(_ => RemoveTree(doomed), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    public Task<Uri?> RedirectUrlAsync(string path, string method, CancellationToken cancellationToken)
    {
        try
        {
            LocalFile(path);
            return Task.FromResult<Uri?>(null);
        }
        catch (Exception e)
        {
            return Task.FromException<Uri?>(e);
        }
    }

    public async IAsyncEnumerable<StorageFileInfo> WalkAsync(
        string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var local = LocalDirectory(path);
        if (!Directory.Exists(local))
        {
            throw new StoragePathNotFoundException(path);
        }

        var pending = new Stack<(string Path, DirectoryInfo Directory)>();
        pending.Push((path, new DirectoryInfo(local)));
        while (pending.TryPop(out var current))
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<FileSystemInfo> entries;
            try
            {
                entries = [.. current.Directory.EnumerateFileSystemInfos()];
            }
            catch (DirectoryNotFoundException)
            {
                // Deleted while we walked: it has no files any more.
                continue;
            }

            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var subdirectories = new List<(string, DirectoryInfo)>();
            foreach (var entry in entries)
            {
                if (!IsVisibleName(entry.Name))
                {
                    continue;
                }

                var entryPath = StoragePath.Join(current.Path, entry.Name);
                if (entry is DirectoryInfo directory)
                {
                    // Symbolic links to directories are not followed: a link cycle would never end.
                    if (!directory.Attributes.HasFlag(FileAttributes.ReparsePoint))
                    {
                        subdirectories.Add((entryPath, directory));
                    }

                    continue;
                }

                StorageFileInfo info;
                try
                {
                    var file = (FileInfo)entry;
                    info = new StorageFileInfo(entryPath, file.Length, file.LastWriteTimeUtc, IsDirectory: false);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }

                yield return info;
            }

            // Pushed in reverse so the walk descends in name order.
            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    private static FileStream OpenRead(string path, string local)
    {
        try
        {
            // Unbuffered: callers copy with large pooled buffers or hand the file to sendfile. Sharing
            // ReadWrite|Delete lets the file be appended to, renamed over or deleted while it is read.
            return new FileStream(
                local,
                FileMode.Open,
                FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (IsNotFound(e, local))
        {
            throw new StoragePathNotFoundException(path);
        }
    }

    private static SafeFileHandle OpenWrite(string path, string local, FileMode mode)
    {
        try
        {
            return File.OpenHandle(local, mode, FileAccess.Write, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (mode == FileMode.Open && IsNotFound(e, local))
        {
            throw new StoragePathNotFoundException(path);
        }
    }

    // Creates the parent directories of local and runs create, again when the directory vanished meanwhile.
    // With durable, each directory created is made durable in its parent (DirectorySync).
    private static T CreateInDirectory<T>(string local, Func<T> create, bool durable = false)
    {
        var directory = Path.GetDirectoryName(local)!;
        for (var attempt = 1; ; attempt++)
        {
            if (durable)
            {
                DirectorySync.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory);
            }

            try
            {
                return create();
            }
            catch (DirectoryNotFoundException) when (attempt < DirectoryRaceAttempts && !Directory.Exists(directory))
            {
            }
        }
    }

    // A directory opened as a file fails with UnauthorizedAccessException (EISDIR): it is not a file.
    private static bool IsNotFound(Exception e, string local) =>
        e is FileNotFoundException or DirectoryNotFoundException
        || (e is UnauthorizedAccessException && Directory.Exists(local));

    private static string TemporaryPath(string directory) =>
        Path.Join(directory, TemporaryPrefix + Guid.NewGuid().ToString("N"));

    private static bool IsTemporaryName(ReadOnlySpan<char> name) =>
        name.Length == TemporaryNameLength
        && name.StartsWith(TemporaryPrefix, StringComparison.Ordinal)
        && !name[TemporaryPrefix.Length..].ContainsAnyExcept("0123456789abcdef");

    // Names a listing must not report: our temporaries, and names no valid path can contain.
    private static bool IsVisibleName(string name) =>
        !IsTemporaryName(name) && name.AsSpan().IndexOfAny('\\', '\0') < 0;

    /// <summary>
    /// Removes the hidden temporary files and trees (<c>.tmp-*</c>) below <paramref name="path"/> last written
    /// before <paramref name="writtenBefore"/>: what a crash left between a rename and the removal that follows
    /// it. Younger ones may still be in use (by this process or a replica on the same file system). Returns how
    /// many were removed; a missing <paramref name="path"/> removes none.
    /// </summary>
    public int SweepTemporaries(string path, DateTimeOffset writtenBefore, CancellationToken cancellationToken)
    {
        var local = LocalDirectory(path);
        if (!Directory.Exists(local))
        {
            return 0;
        }

        var cutoff = writtenBefore.UtcDateTime;
        var removed = 0;
        var pending = new Stack<string>([local]);
        while (pending.TryPop(out var directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(directory).ToList();
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                var isDirectory = Directory.Exists(entry);
                if (!IsTemporaryName(Path.GetFileName(entry.AsSpan())))
                {
                    if (isDirectory)
                    {
                        pending.Push(entry);
                    }

                    continue;
                }

                if ((isDirectory ? Directory.GetLastWriteTimeUtc(entry) : File.GetLastWriteTimeUtc(entry)) >= cutoff)
                {
                    continue;
                }

                if (isDirectory)
                {
                    RemoveTree(entry);
                }
                else
                {
                    TryDeleteFile(entry);
                }

                removed++;
            }
        }

        return removed;
    }

    /// <summary>Waits for the trees <see cref="DeleteAsync"/> renamed away to be removed from disk.</summary>
    public async ValueTask DisposeAsync()
    {
        Task pending;
        lock (removalsLock)
        {
            pending = removals;
        }

        await pending;
    }

    private static void RemoveTree(string doomed)
    {
        try
        {
            Directory.Delete(doomed, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary tree is hidden and harmless, as after a crash.
        }
    }

    private static void TryDeleteFile(string local)
    {
        try
        {
            File.Delete(local);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is hidden and harmless.
        }
    }

    private string LocalFile(string path) => ToLocal(StoragePath.ValidateFile(path));

    private string LocalDirectory(string path) => ToLocal(StoragePath.ValidateDirectory(path));

    private string ToLocal(string path)
    {
        if (path.Length == 1)
        {
            return RootDirectory;
        }

        foreach (var range in path.AsSpan(1).Split('/'))
        {
            if (IsTemporaryName(path.AsSpan(1)[range]))
            {
                throw new InvalidStoragePathException(path);
            }
        }

        return Path.Join(RootDirectory, path[1..].Replace('/', Path.DirectorySeparatorChar));
    }
}
