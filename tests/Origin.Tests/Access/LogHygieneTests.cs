using System.Net;
using System.Text.Json;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Tests.Api;

namespace EdgeRegistry.Origin.Tests.Access;

/// <summary>Passwords and tokens never reach the log, whatever the level, whether the request succeeds or fails.</summary>
public sealed class LogHygieneTests
{
    [Fact]
    public async Task Log_LoginsTokensPushesAndFailures_ContainNoSecret()
    {
        await using var origin = await AccessTestOrigin.StartAsync();
        const string password = "P4ssw0rd-that-must-not-leak";
        await origin.Store.CreateProjectAsync("team", false, CancellationToken.None);
        var accessToken = await origin.UserWithTokenAsync("alice", [Roles.Registry], [("team", Roles.ImageBuilder)], password: password);

        using var login = origin.Basic("alice", password);
        using var loginResponse = await login.PostAsync("/openshift/login", null);
        var minted = JsonDocument.Parse(await loginResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        using var tokenResponse = await login.GetAsync("/openshift/token?service=x&scope=repository:team/app:pull,push");
        var registryToken = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        using (var bearer = origin.Bearer(registryToken))
        {
            await bearer.PushImageAsync("team/app", "v1");
        }

        using (var basic = origin.Basic("openshift", accessToken))
        {
            using var denied = await basic.PostAsync("/v2/elsewhere/app/blobs/uploads/", null);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        using (var wrong = origin.Basic("alice", password + "x"))
        {
            using var refused = await wrong.GetAsync("/openshift/token?service=x");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var revokedClient = origin.Basic("openshift", minted))
        {
            await origin.Store.RevokeAccessTokenAsync(AccessTokenService.IdOf(minted)!, CancellationToken.None);
            using var revoked = await revokedClient.GetAsync("/v2/");
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        var log = origin.Logs.Text;
        Assert.NotEmpty(origin.Logs.Lines);
        foreach (var secret in new[] { password, accessToken, minted, registryToken, accessToken[(AccessTokenService.Prefix.Length + 17)..], registryToken.Split('.')[2] })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Authorization", log, StringComparison.OrdinalIgnoreCase);
    }
}
