using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Edge.Cache;

/// <summary>One client's read handle on a growing fill file; keeps the committed file from eviction until disposed.</summary>
internal sealed class FillReader(BlobFill fill, SafeFileHandle handle) : IDisposable
{
    private int disposed;

    public BlobFill Fill { get; } = fill;

    public SafeFileHandle Handle { get; } = handle;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            Handle.Dispose();
            Fill.ReleaseReader();
        }
    }
}
