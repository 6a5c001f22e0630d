using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>The authenticator with a hand-written token endpoint (a delegate) standing in for the network.</summary>
public sealed class RegistryAuthenticatorTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string Scope = RegistryAuthenticator.PullScope("team/app");

    private readonly List<HttpRequestMessage> tokenRequests = [];

    private RegistryAuthenticator Create(RegistryCredential? credential, bool allowPlainHttpRealm, string body = """{"token":"abc","expires_in":120}""") =>
        new(
            "registry.example.com",
            credential,
            new TokenCache(new FakeTimeProvider()),
            TimeSpan.FromSeconds(60),
            allowPlainHttpRealm,
            (build, _) =>
            {
                var request = build();
                tokenRequests.Add(request);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body), RequestMessage = request });
            });

    [Fact]
    public async Task AuthorizeAsync_Bearer_FetchesTokenWithServiceScopeAndCredentials()
    {
        var authenticator = Create(new RegistryCredential("u", "p"), allowPlainHttpRealm: false);
        var challenge = AuthChallenge.Parse("Bearer", "realm=\"https://auth.example.com/token?account=x\",service=\"reg\"");

        var answer = await authenticator.AuthorizeAsync(challenge, Scope, null, Ct);

        Assert.Equal("Bearer", answer.Scheme);
        Assert.Equal("abc", answer.Parameter);
        var request = Assert.Single(tokenRequests);
        Assert.Equal("https://auth.example.com/token?account=x&service=reg&scope=repository%3Ateam%2Fapp%3Apull", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic", request.Headers.Authorization?.Scheme);
        Assert.Equal("u:p", Encoding.UTF8.GetString(Convert.FromBase64String(request.Headers.Authorization!.Parameter!)));
    }

    [Fact]
    public async Task GetAuthorizationAsync_AfterBearerChallenge_ReusesTokenUpFront()
    {
        var authenticator = Create(null, allowPlainHttpRealm: false);
        Assert.Null(await authenticator.GetAuthorizationAsync(Scope, Ct));
        await authenticator.AuthorizeAsync(AuthChallenge.Parse("Bearer", "realm=\"https://auth/token\""), Scope, null, Ct);

        var upFront = await authenticator.GetAuthorizationAsync(Scope, Ct);

        Assert.Equal("abc", upFront?.Parameter);
        Assert.Null(Assert.Single(tokenRequests).Headers.Authorization);
    }

    [Fact]
    public async Task AuthorizeAsync_RejectedToken_FetchesAFreshOne()
    {
        var authenticator = Create(null, allowPlainHttpRealm: false);
        var challenge = AuthChallenge.Parse("Bearer", "realm=\"https://auth/token\"");
        var first = await authenticator.AuthorizeAsync(challenge, Scope, null, Ct);

        await authenticator.AuthorizeAsync(challenge, Scope, first, Ct);

        Assert.Equal(2, tokenRequests.Count);
    }

    [Fact]
    public async Task AuthorizeAsync_PlainHttpRealmOfSecureRegistry_ThrowsUnauthorizedWithoutSendingCredentials()
    {
        var authenticator = Create(new RegistryCredential("u", "p"), allowPlainHttpRealm: false);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => authenticator.AuthorizeAsync(AuthChallenge.Parse("Bearer", "realm=\"http://auth.example.com/token\""), Scope, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
        Assert.Empty(tokenRequests);
    }

    [Fact]
    public async Task AuthorizeAsync_BasicWithoutCredentials_ThrowsUnauthorized()
    {
        var authenticator = Create(null, allowPlainHttpRealm: false);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => authenticator.AuthorizeAsync(AuthChallenge.Parse("Basic", "realm=\"r\""), Scope, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
    }

    [Fact]
    public async Task AuthorizeAsync_BasicRejectedOnce_ThrowsUnauthorized()
    {
        var authenticator = Create(new RegistryCredential("u", "p"), allowPlainHttpRealm: false);
        var challenge = AuthChallenge.Parse("Basic", "realm=\"r\"");
        var first = await authenticator.AuthorizeAsync(challenge, Scope, null, Ct);

        var error = await Assert.ThrowsAsync<RegistryException>(() => authenticator.AuthorizeAsync(challenge, Scope, first, Ct));

        Assert.Equal("Basic", first.Scheme);
        Assert.Equal(ErrorCode.Unauthorized, error.Error);
    }

    [Theory]
    [InlineData("""{"expires_in":60}""")]
    [InlineData("""{"token":""}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""<html>""")]
    public async Task AuthorizeAsync_TokenResponseWithoutToken_ThrowsUnauthorized(string body)
    {
        var authenticator = Create(null, allowPlainHttpRealm: false, body);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => authenticator.AuthorizeAsync(AuthChallenge.Parse("Bearer", "realm=\"https://auth/token\""), Scope, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
    }

    [Fact]
    public async Task AuthorizeAsync_AccessTokenField_IsAccepted()
    {
        var authenticator = Create(null, allowPlainHttpRealm: true, """{"access_token":"oauth","expires_in":30}""");

        var answer = await authenticator.AuthorizeAsync(AuthChallenge.Parse("Bearer", "realm=\"http://127.0.0.1:1/token\""), Scope, null, Ct);

        Assert.Equal(new AuthenticationHeaderValue("Bearer", "oauth"), answer);
    }
}
