namespace EdgeRegistry.Origin.Metadata;

/// <summary>Creates or migrates the schema during start-up, before Kestrel accepts a request.</summary>
internal sealed class MetadataInitializer(IMetadataStore metadata) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => metadata.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
