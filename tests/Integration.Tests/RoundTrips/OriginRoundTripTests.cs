namespace EdgeRegistry.Integration.Tests.RoundTrips;

/// <summary>The same round trips against our origin process: OCI image, OCI index, Docker schema2, tags, inspect, delete.</summary>
public sealed class OriginRoundTripTests(OriginFixture fixture)
    : RegistryRoundTripTests(fixture.Origin), IClassFixture<OriginFixture>;
