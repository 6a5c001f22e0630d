using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// Hands Kestrel <see cref="LargeBlockMemoryPool"/>s. Registered in place of Kestrel's own factory, the
/// socket transport picks it up from dependency injection.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
