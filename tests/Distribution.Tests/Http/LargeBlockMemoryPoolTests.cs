using EdgeRegistry.Distribution.Http;

namespace EdgeRegistry.Distribution.Tests.Http;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Rent_SmallRequest_GivesAWholeBlock()
    {
        using var pool = new LargeBlockMemoryPool();

        using var block = pool.Rent(2048);

        Assert.Equal(LargeBlockMemoryPool.BlockSize, block.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void Rent_MoreThanABlock_Throws()
    {
        using var pool = new LargeBlockMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void Rent_AfterAReturn_ReusesTheBlock()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        var array = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(second.Memory.Span.Overlaps(array.Span));
    }

    [Fact]
    public void Memory_AfterDispose_Throws()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();

        Assert.Throws<ObjectDisposedException>(() => block.Memory);
    }

    [Fact]
    public void Rent_DisposedPool_Throws()
    {
        var pool = new LargeBlockMemoryPool();
        pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }
}
