using System.Text;
using EdgeRegistry.Origin.Access;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Access;

public sealed class RegistryTokenServiceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly byte[] _key = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");

    [Fact]
    public void Validate_IssuedToken_RoundTripsClaims()
    {
        var service = new RegistryTokenService(_key, _clock);
        var (token, issuedAt) = service.Issue("alice", "registry", [new TokenAccess("repository", "team/app", ["pull", "push"])], TimeSpan.FromMinutes(5), "0123456789abcdef");

        var claims = service.Validate(token);

        Assert.NotNull(claims);
        Assert.Equal("alice", claims.Subject);
        Assert.Equal(issuedAt, claims.IssuedAt);
        Assert.Equal(issuedAt.AddMinutes(5), claims.Expires);
        Assert.Equal("0123456789abcdef", claims.AccessTokenId);
        Assert.True(claims.Grants("repository", "team/app", "push"));
        Assert.False(claims.Grants("repository", "team/app", "delete"));
        Assert.False(claims.Grants("repository", "team/other", "pull"));
    }

    [Fact]
    public void Validate_AtExpiry_ReturnsNull()
    {
        var service = new RegistryTokenService(_key, _clock);
        var (token, _) = service.Issue("alice", "registry", [], TimeSpan.FromMinutes(5), null);

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.NotNull(service.Validate(token));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(service.Validate(token));
    }

    [Fact]
    public void Validate_OtherKey_ReturnsNull()
    {
        var (token, _) = new RegistryTokenService(_key, _clock).Issue("alice", "registry", [], TimeSpan.FromMinutes(5), null);

        Assert.Null(new RegistryTokenService(Encoding.ASCII.GetBytes("fedcba9876543210fedcba9876543210"), _clock).Validate(token));
    }

    [Fact]
    public void Validate_WildcardAction_GrantsEveryAction()
    {
        var service = new RegistryTokenService(_key, _clock);
        var (token, _) = service.Issue("alice", "registry", [new TokenAccess("registry", "catalog", ["*"])], TimeSpan.FromMinutes(5), null);

        Assert.True(service.Validate(token)!.Grants("registry", "catalog", "*"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.")]
    [InlineData("...")]
    public void Validate_Garbage_ReturnsNull(string token)
    {
        Assert.Null(new RegistryTokenService(_key, _clock).Validate(token));
    }

    [Fact]
    public void Validate_SignatureOfAnotherToken_ReturnsNull()
    {
        var service = new RegistryTokenService(_key, _clock);
        var (viewer, _) = service.Issue("alice", "registry", [new TokenAccess("repository", "team/app", ["pull"])], TimeSpan.FromMinutes(5), null);
        var (pusher, _) = service.Issue("alice", "registry", [new TokenAccess("repository", "team/app", ["push"])], TimeSpan.FromMinutes(5), null);

        var spliced = pusher[..pusher.LastIndexOf('.')] + viewer[viewer.LastIndexOf('.')..];

        Assert.Null(service.Validate(spliced));
    }
}
