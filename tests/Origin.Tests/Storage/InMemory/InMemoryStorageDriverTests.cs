using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Storage.InMemory;

public sealed class InMemoryStorageDriverTests : StorageDriverConformanceTests
{
    [Fact]
    public void Name_Always_IsInmemory()
    {
        Assert.Equal("inmemory", Driver.Name);
    }

    [Fact]
    public async Task StatAsync_File_ReportsModifiedTimeOfTheTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var driver = new InMemoryStorageDriver(time);
        await driver.PutContentAsync("/a/file", "x"u8.ToArray(), CancellationToken.None);
        var created = time.GetUtcNow();
        time.Advance(TimeSpan.FromMinutes(5));

        await using (var writer = await driver.WriterAsync("/a/file", append: true, CancellationToken.None))
        {
            await writer.WriteAsync("y"u8.ToArray(), CancellationToken.None);
        }

        Assert.Equal(created, (await driver.StatAsync("/a", CancellationToken.None)).ModifiedTime);
        Assert.Equal(time.GetUtcNow(), (await driver.StatAsync("/a/file", CancellationToken.None)).ModifiedTime);
    }

    [Fact]
    public async Task GetContentAsync_ReturnedArrayChanged_StoredContentUnchanged()
    {
        await Driver.PutContentAsync("/file", "abc"u8.ToArray(), CancellationToken.None);

        (await Driver.GetContentAsync("/file", CancellationToken.None))[0] = (byte)'z';

        Assert.Equal("abc"u8.ToArray(), await Driver.GetContentAsync("/file", CancellationToken.None));
    }

    [Fact]
    public async Task RedirectUrlAsync_AnyFile_ReturnsNull()
    {
        Assert.Null(await Driver.RedirectUrlAsync("/blob", "GET", CancellationToken.None));
    }

    protected override IStorageDriver CreateDriver() => new InMemoryStorageDriver();
}
