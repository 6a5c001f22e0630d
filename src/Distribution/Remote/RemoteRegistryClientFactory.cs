using System.Collections.Concurrent;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// One <see cref="RemoteRegistryClient"/> per upstream registry, created on first use and kept, so that each
/// upstream has one connection pool, one token cache and one circuit breaker. Refuses registries off the
/// allowlist. Register it as a singleton; dispose it to close every client.
/// </summary>
public sealed class RemoteRegistryClientFactory : IDisposable
{
    private readonly RemoteRegistryOptions options;
    private readonly TimeProvider timeProvider;
    private readonly DockerConfigCredentials credentials;
    private readonly ConcurrentDictionary<string, Lazy<RemoteRegistryClient>> clients = new(StringComparer.Ordinal);
    private bool disposed;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> listing every problem of <paramref name="options"/>, and the
    /// credentials file's errors (<see cref="InvalidDataException"/>) at once, so that start-up fails rather
    /// than the first pull.
    /// </summary>
    public RemoteRegistryClientFactory(RemoteRegistryOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"invalid remote registry options: {string.Join("; ", errors)}", nameof(options));
        }

        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        credentials = options.CredentialsFile is { } file ? DockerConfigCredentials.Load(file) : DockerConfigCredentials.Empty;
        Allowlist = UpstreamAllowlist.From(options.AllowedRegistries);
    }

    /// <summary>The upstream allowlist these clients obey.</summary>
    public UpstreamAllowlist Allowlist { get; }

    /// <summary>
    /// The client of <paramref name="registry"/>. Throws <see cref="RegistryException"/>: DENIED when the
    /// registry is not on the allowlist, NAME_INVALID when its name is malformed.
    /// </summary>
    public RemoteRegistryClient GetClient(string registry)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!RegistryHost.TrySplit(registry, out var host, out var port, out var reason))
        {
            throw new RegistryException(ErrorCode.NameInvalid, reason, new { registry });
        }

        var name = DockerHubNames.NormalizeRegistry(RegistryHost.Join(host, port));
        Allowlist.EnsureAllowed(name);
        return clients.GetOrAdd(
            name,
            static (key, self) => new Lazy<RemoteRegistryClient>(
                () => new RemoteRegistryClient(key, self.options, self.credentials.Find(key), self.timeProvider, validated: true)),
            this).Value;
    }

    /// <summary>The client of the registry of <paramref name="image"/>; see <see cref="GetClient(string)"/>.</summary>
    public RemoteRegistryClient GetClient(ImageReference image) => GetClient(image.Registry);

    public void Dispose()
    {
        disposed = true;
        foreach (var client in clients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }

        clients.Clear();
    }
}
