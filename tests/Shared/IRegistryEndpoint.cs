namespace EdgeRegistry.Tests.Shared;

/// <summary>What a test needs of any running registry (ours or a peer) to push to and pull from it.</summary>
public interface IRegistryEndpoint
{
    /// <summary><c>127.0.0.1:port</c>.</summary>
    string Host { get; }

    /// <summary>How skopeo reaches it (TLS verification, certificates, credentials).</summary>
    RegistryAccess Access { get; }

    /// <summary><c>docker://host/repository:tag</c> or <c>@digest</c>.</summary>
    string ImageReference(string repository, string tagOrDigest);

    /// <summary>An HttpClient whose BaseAddress is the registry.</summary>
    HttpClient CreateHttpClient();
}
