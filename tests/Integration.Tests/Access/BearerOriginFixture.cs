namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>The auth origin with the default challenge: Bearer, clients fetch tokens from /openshift/token.</summary>
public sealed class BearerOriginFixture : AuthOriginFixture;
