using System.Runtime.InteropServices;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Tests.Storage;

public sealed class AlignedBuffersTests
{
    [Fact]
    public void Rent_Any_StartsOnABlockBoundaryWithTheFullSize()
    {
        var buffers = Enumerable.Range(0, 4).Select(_ => AlignedBuffers.Rent()).ToList();
        try
        {
            foreach (var buffer in buffers)
            {
                Assert.Equal(AlignedBuffers.Size, buffer.Count);
                Assert.Equal(0, Marshal.UnsafeAddrOfPinnedArrayElement(buffer.Array!, buffer.Offset) % AlignedBuffers.Alignment);
                Assert.True(AlignedBuffers.IsAligned(buffer));
            }
        }
        finally
        {
            buffers.ForEach(AlignedBuffers.Return);
        }
    }

    [Fact]
    public void IsAligned_SliceOffTheBoundaryOrNotAnArray_IsFalse()
    {
        var buffer = AlignedBuffers.Rent();
        try
        {
            Assert.True(AlignedBuffers.IsAligned(buffer.AsMemory(AlignedBuffers.Alignment)));
            Assert.False(AlignedBuffers.IsAligned(buffer.AsMemory(1)));
            Assert.False(AlignedBuffers.IsAligned(ReadOnlyMemory<byte>.Empty));
        }
        finally
        {
            AlignedBuffers.Return(buffer);
        }
    }
}
