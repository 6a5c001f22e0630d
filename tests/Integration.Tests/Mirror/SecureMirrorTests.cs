namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>Mirror mode against the remote with htpasswd and TLS: the edge's own credentials and CA directory.</summary>
public sealed class SecureMirrorTests(SecureMirrorFixture fixture) : MirrorTests<SecureMirrorFixture>(fixture), IClassFixture<SecureMirrorFixture>;
