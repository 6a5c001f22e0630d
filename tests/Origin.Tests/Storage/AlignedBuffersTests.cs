using System.Runtime.InteropServices;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Tests.Storage;

public sealed class AlignedBuffersTests
{
    [Fact]
    public void Rent_Any_StartsOnABlockBoundaryWithTheFullSize()
    {
        var pool = new AlignedBuffers(maxOutstanding: 8, maxPooled: 8);
        var buffers = Enumerable.Range(0, 4).Select(_ => pool.Rent()).ToList();
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
            buffers.ForEach(pool.Return);
        }
    }

    [Fact]
    public void IsAligned_SliceOffTheBoundaryOrNotAnArray_IsFalse()
    {
        var buffer = AlignedBuffers.Shared.Rent();
        try
        {
            Assert.True(AlignedBuffers.IsAligned(buffer.AsMemory(AlignedBuffers.Alignment)));
            Assert.False(AlignedBuffers.IsAligned(buffer.AsMemory(1)));
            Assert.False(AlignedBuffers.IsAligned(ReadOnlyMemory<byte>.Empty));
        }
        finally
        {
            AlignedBuffers.Shared.Return(buffer);
        }
    }

    [Fact]
    public void TryRent_AtTheLimit_RefusesUntilOneIsReturned()
    {
        var pool = new AlignedBuffers(maxOutstanding: 2, maxPooled: 2);
        Assert.True(pool.TryRent(out var first));
        Assert.True(pool.TryRent(out var second));

        Assert.False(pool.TryRent(out _));
        pool.Return(first);
        Assert.True(pool.TryRent(out var third));

        Assert.Equal(2, pool.Outstanding);
        pool.Return(second);
        pool.Return(third);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Rent_PastTheLimit_StillGivesABuffer()
    {
        var pool = new AlignedBuffers(maxOutstanding: 1, maxPooled: 1);
        var first = pool.Rent();

        var second = pool.Rent();

        Assert.Equal(AlignedBuffers.Size, second.Count);
        Assert.NotSame(first.Array, second.Array);
        Assert.Equal(2, pool.Outstanding);
        Assert.False(pool.TryRent(out _));
    }

    [Fact]
    public void Rent_AfterReturns_GivesTheLastReturnedFirst()
    {
        var pool = new AlignedBuffers(maxOutstanding: 4, maxPooled: 4);
        var first = pool.Rent();
        var second = pool.Rent();
        pool.Return(first);
        pool.Return(second);

        Assert.Same(second.Array, pool.Rent().Array);
        Assert.Same(first.Array, pool.Rent().Array);
    }
}
