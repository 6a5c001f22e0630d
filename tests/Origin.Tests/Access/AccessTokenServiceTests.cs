using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Access;

public sealed class AccessTokenServiceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-tokens-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new();
    private SqliteMetadataStore _store = null!;
    private AccessTokenService _tokens = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteMetadataStore(Path.Combine(_directory, "metadata.db"), _clock);
        await _store.InitializeAsync(CancellationToken.None);
        _tokens = new AccessTokenService(_store, _clock);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task MintAsync_Token_HasTheShapeAndStoresOnlyAHash()
    {
        var (token, record) = await _tokens.MintAsync("alice", TimeSpan.FromHours(1), "laptop", CancellationToken.None);

        Assert.Matches("^ert_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", token);
        Assert.True(AccessTokenService.LooksLikeToken(token));
        Assert.Equal(record.Id, AccessTokenService.IdOf(token));
        Assert.Equal(32, record.SecretHash.Length);
        Assert.DoesNotContain(token[21..], Convert.ToBase64String(record.SecretHash), StringComparison.Ordinal);
        Assert.Equal(_clock.GetUtcNow().AddHours(1), record.Expires);
    }

    [Fact]
    public async Task ValidateAsync_FreshToken_ReturnsItsRecord()
    {
        var (token, record) = await _tokens.MintAsync("alice", null, null, CancellationToken.None);

        Assert.Equal(record.Id, (await _tokens.ValidateAsync(token, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task ValidateAsync_WrongSecretForKnownId_ReturnsNull()
    {
        var (token, _) = await _tokens.MintAsync("alice", null, null, CancellationToken.None);
        var other = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        Assert.Null(await _tokens.ValidateAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task ValidateAsync_AfterExpiry_ReturnsNull()
    {
        var (token, _) = await _tokens.MintAsync("alice", TimeSpan.FromMinutes(10), null, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(await _tokens.ValidateAsync(token, CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await _tokens.ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task ValidateAsync_Revoked_ReturnsNull()
    {
        var (token, record) = await _tokens.MintAsync("alice", null, null, CancellationToken.None);
        await _store.RevokeAccessTokenAsync(record.Id, CancellationToken.None);

        Assert.Null(await _tokens.ValidateAsync(token, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ert_")]
    [InlineData("ert_0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sha256~AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ert_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ValidateAsync_MalformedOrUnknown_ReturnsNull(string presented)
    {
        Assert.Null(await _tokens.ValidateAsync(presented, CancellationToken.None));
    }
}
