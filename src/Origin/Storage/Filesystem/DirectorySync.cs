using System.Runtime.InteropServices;

namespace EdgeRegistry.Origin.Storage.Filesystem;

/// <summary>
/// Makes directory entries durable: a rename or a new directory is in the parent directory's data, which
/// <c>fsync</c> of the file does not write. Without it a power cut seconds after a push could take away a blob
/// whose repository link is already committed (ext4 commits its journal every 5 s). .NET cannot open a directory,
/// hence the calls to libc here.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0x80000;   // O_RDONLY | O_CLOEXEC (the same on x86-64 and arm64; O_DIRECTORY is not)
    private const int NoSuchFile = 2;       // ENOENT
    private const int InvalidArgument = 22; // EINVAL: the file system cannot sync directories
    private const int NotSupported = 95;    // EOPNOTSUPP

    /// <summary>
    /// Writes <paramref name="directory"/>'s entries to the device. Does nothing off Linux or where the file system
    /// cannot sync a directory; throws <see cref="DirectoryNotFoundException"/> when it does not exist and
    /// <see cref="IOException"/> when the device reports an error.
    /// </summary>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw error == NoSuchFile
                ? new DirectoryNotFoundException($"could not find directory {directory}")
                : new IOException($"cannot open directory {directory}: {Marshal.GetPInvokeErrorMessage(error)}", error);
        }

        try
        {
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var error and not (InvalidArgument or NotSupported))
            {
                throw new IOException($"cannot sync directory {directory}: {Marshal.GetPInvokeErrorMessage(error)}", error);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and any missing parents, like <see cref="Directory.CreateDirectory(string)"/>,
    /// and makes each new one durable in its parent. A level that a concurrent delete removes meanwhile is left
    /// to the caller, who finds it missing when it uses it.
    /// </summary>
    public static void CreateDirectory(string directory)
    {
        var missing = new Stack<string>();
        for (var current = Path.TrimEndingDirectorySeparator(directory); !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
            if (Path.GetDirectoryName(current) is null)
            {
                break;
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        try
        {
            foreach (var created in missing)
            {
                Flush(Path.GetDirectoryName(created)!);
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling would need AllowUnsafeBlocks.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
