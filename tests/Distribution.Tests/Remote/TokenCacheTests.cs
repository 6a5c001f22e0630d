using EdgeRegistry.Distribution.Remote;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class TokenCacheTests
{
    private static readonly string Key = TokenCache.Key("https://auth/token", "registry", "repository:a/b:pull");

    [Fact]
    public void TryGet_BeforeExpiry_ReturnsTheToken()
    {
        var clock = new FakeTimeProvider();
        var cache = new TokenCache(clock);
        cache.Set(Key, "t1", TimeSpan.FromSeconds(300));

        clock.Advance(TimeSpan.FromSeconds(294));

        Assert.True(cache.TryGet(Key, out var token));
        Assert.Equal("t1", token);
    }

    [Fact]
    public void TryGet_InItsLastSeconds_IsNoLongerUsed()
    {
        var clock = new FakeTimeProvider();
        var cache = new TokenCache(clock);
        cache.Set(Key, "t1", TimeSpan.FromSeconds(300));

        clock.Advance(TimeSpan.FromSeconds(296));

        Assert.False(cache.TryGet(Key, out _));
    }

    [Fact]
    public void TryGet_OtherScope_Misses()
    {
        var cache = new TokenCache(new FakeTimeProvider());
        cache.Set(Key, "t1", TimeSpan.FromSeconds(60));

        Assert.False(cache.TryGet(TokenCache.Key("https://auth/token", "registry", "repository:a/c:pull"), out _));
    }

    [Fact]
    public void Invalidate_RejectedToken_RemovesItButNotANewerOne()
    {
        var cache = new TokenCache(new FakeTimeProvider());
        cache.Set(Key, "old", TimeSpan.FromSeconds(60));
        cache.Invalidate(Key, "old");
        Assert.False(cache.TryGet(Key, out _));

        cache.Set(Key, "new", TimeSpan.FromSeconds(60));
        cache.Invalidate(Key, "old");

        Assert.True(cache.TryGet(Key, out var token));
        Assert.Equal("new", token);
    }
}
