using EdgeRegistry.Origin.Configuration;
using static EdgeRegistry.Origin.Tests.Configuration.ConfigurationTestLoader;

namespace EdgeRegistry.Origin.Tests.Configuration;

/// <summary>The keys of <c>auth.openshift</c> the access model added: challenge, tokenrealm, accesstokenlifetime.</summary>
public sealed class OpenShiftAuthOptionsTests
{
    [Fact]
    public void Bind_NewKeys_AreBound()
    {
        var options = Load(WithMinimal("""
            auth:
              openshift:
                challenge: basic
                tokenrealm: https://registry.example.com/openshift/token
                accesstokenlifetime: 8h
            """));

        var auth = options.Auth!.OpenShift;
        Assert.True(auth.BasicChallenge);
        Assert.Equal(new Uri("https://registry.example.com/openshift/token"), auth.TokenRealm);
        Assert.Equal(TimeSpan.FromHours(8), auth.AccessTokenLifetime);
    }

    [Fact]
    public void Bind_Defaults_AreBearerDerivedRealmAndADay()
    {
        var auth = Load(WithMinimal("auth:\n  openshift: {}")).Auth!.OpenShift;

        Assert.False(auth.BasicChallenge);
        Assert.Null(auth.TokenRealm);
        Assert.Equal(TimeSpan.FromHours(24), auth.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromMinutes(5), auth.TokenLifetime);
    }

    [Theory]
    [InlineData("challenge: digest", "auth.openshift.challenge: must be one of bearer, basic")]
    [InlineData("tokenrealm: /openshift/token", "auth.openshift.tokenrealm: \"/openshift/token\" is not an absolute http or https URL")]
    [InlineData("accesstokenlifetime: 0s", "auth.openshift.accesstokenlifetime: must be greater than 0")]
    [InlineData("realm: 'a\"b'", "auth.openshift.realm: must not contain quotes or control characters")]
    public void Bind_BadValue_NamesTheKey(string line, string expected)
    {
        var error = Fail(WithMinimal($"auth:\n  openshift:\n    {line}"));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Load_EnvironmentOverrides_ReachTheNewKeys()
    {
        var options = Load(
            WithMinimal("auth:\n  openshift:\n    realm: openshift"),
            ("REGISTRY_AUTH_OPENSHIFT_CHALLENGE", "basic"),
            ("REGISTRY_AUTH_OPENSHIFT_TOKENLIFETIME", "10m"),
            ("REGISTRY_AUTH_OPENSHIFT_HTPASSWD_PATH", "/etc/htpasswd"));

        var auth = options.Auth!.OpenShift;
        Assert.True(auth.BasicChallenge);
        Assert.Equal(TimeSpan.FromMinutes(10), auth.TokenLifetime);
        Assert.Equal("/etc/htpasswd", auth.Htpasswd!.Path);
    }

    [Fact]
    public void Load_EmbeddedDefault_HasOpenShiftAuthWithBootstrap()
    {
        var options = OriginConfigurationLoader.Load(null, new Dictionary<string, string>());

        Assert.Equal("openshift", options.Auth!.OpenShift.Realm);
        Assert.True(options.Auth.OpenShift.BootstrapEnabled);
    }

    [Fact]
    public void Load_ExplicitFileWithoutAuth_HasNoAuth()
    {
        Assert.Null(Load(SeedConfigurations.Minimal).Auth);
    }
}
