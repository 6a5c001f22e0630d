using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Origin.Storage.Filesystem;

/// <summary>
/// Turns Linux's <c>O_DIRECT</c> on and off on an open file (<c>fcntl(F_SETFL)</c>). A direct write goes
/// from the caller's buffer to the device without a copy into the page cache, which on a busy machine (or
/// a virtual one that hands free memory back to its host) costs more CPU than hashing the same bytes.
/// .NET opens files without the flag and has no option for it, hence the call here.
/// </summary>
internal static class DirectIo
{
    private const int GetStatusFlags = 3; // F_GETFL
    private const int SetStatusFlags = 4; // F_SETFL

    // O_DIRECT is not the same number on every architecture (asm-generic/fcntl.h and the arch overrides).
    private static readonly int DirectFlag = OperatingSystem.IsLinux()
        ? RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 or Architecture.S390x or Architecture.RiscV64 or Architecture.LoongArch64 => 0x4000,
            Architecture.Arm64 or Architecture.Arm => 0x10000,
            _ => 0,
        }
        : 0;

    /// <summary>True where this process can ask for direct I/O at all (Linux on a known architecture).</summary>
    public static bool Available => DirectFlag != 0;

    /// <summary>
    /// Sets or clears <c>O_DIRECT</c> on <paramref name="handle"/>. False when the file system refuses it
    /// (EINVAL: tmpfs before Linux 6.6, some network file systems) or the platform has no such flag.
    /// </summary>
    public static bool TrySet(SafeFileHandle handle, bool direct)
    {
        if (!Available)
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            var flags = Fcntl(fd, GetStatusFlags, 0);
            if (flags < 0)
            {
                return false;
            }

            var wanted = direct ? flags | DirectFlag : flags & ~DirectFlag;
            return wanted == flags || Fcntl(fd, SetStatusFlags, wanted) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling would need AllowUnsafeBlocks for int arguments.
    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);
}
