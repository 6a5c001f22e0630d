using EdgeRegistry.Integration.Tests.Peers;

namespace EdgeRegistry.Integration.Tests.RoundTrips;

/// <summary>The round trips against Debian's docker-registry 2.8: proves the harness and the expectations.</summary>
public sealed class DockerRegistryRoundTripTests(DockerRegistryFixture fixture)
    : RegistryRoundTripTests(fixture.Registry), IClassFixture<DockerRegistryFixture>;
