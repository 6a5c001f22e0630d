namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Docker Hub's naming rules: the registry of names without one, its several host names, and the
/// <c>library/</c> namespace of official images (<c>busybox</c> is <c>library/busybox</c>).
/// </summary>
public static class DockerHubNames
{
    /// <summary>The registry name of Docker Hub in normalized references.</summary>
    public const string Registry = "docker.io";

    /// <summary>The namespace of Docker Hub's single-name (official) images.</summary>
    public const string OfficialNamespace = "library";

    /// <summary>The key under which <c>docker login</c> stores Docker Hub's credentials in config.json.</summary>
    public const string CredentialsKey = "https://index.docker.io/v1/";

    /// <summary>The endpoint that serves Docker Hub's /v2 API.</summary>
    public static readonly Uri Endpoint = new("https://registry-1.docker.io/");

    /// <summary>
    /// Prefixes <c>library/</c> to a repository without a <c>/</c>: Docker Hub serves official images only
    /// under that namespace. Names with a namespace are returned as they are.
    /// </summary>
    public static string Normalize(string repository)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository);
        return repository.Contains('/') ? repository : $"{OfficialNamespace}/{repository}";
    }

    /// <summary>True when <paramref name="registry"/> is one of Docker Hub's names.</summary>
    public static bool IsDockerHub(string registry) => NormalizeRegistry(registry) == Registry;

    /// <summary>
    /// Folds Docker Hub's other host names (<c>index.docker.io</c>, <c>registry-1.docker.io</c>,
    /// <c>registry.hub.docker.com</c>) into <c>docker.io</c>; any other name is returned lower-cased.
    /// </summary>
    public static string NormalizeRegistry(string registry)
    {
        var lower = registry.ToLowerInvariant();
        return lower is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? Registry : lower;
    }
}
