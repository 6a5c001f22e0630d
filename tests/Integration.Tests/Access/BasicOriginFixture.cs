namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>The auth origin asking for Basic credentials (the access token as password), set through REGISTRY_AUTH_OPENSHIFT_CHALLENGE.</summary>
public sealed class BasicOriginFixture : AuthOriginFixture
{
    protected override IReadOnlyDictionary<string, string?> Environment =>
        new Dictionary<string, string?> { ["REGISTRY_AUTH_OPENSHIFT_CHALLENGE"] = "basic" };
}
