namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>The remote with htpasswd Basic auth and TLS from a generated CA.</summary>
public sealed class SecureRemotePullThroughTests(SecureRemoteFixture fixture)
    : RemotePullThroughTests<SecureRemoteFixture>(fixture), IClassFixture<SecureRemoteFixture>;
