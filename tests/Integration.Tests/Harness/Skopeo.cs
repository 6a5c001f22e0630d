namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>
/// Runs skopeo as the registry client under test. Every call uses <c>--insecure-policy</c> (no signature
/// policy file) and this instance's own auth file, so a login never touches the user's
/// <c>${XDG_RUNTIME_DIR}/containers/auth.json</c> or leaks between tests.
/// </summary>
public sealed class Skopeo : IDisposable
{
    private readonly TempDirectory _directory = new("skopeo-");
    private readonly string _binary;

    /// <summary>Locates skopeo; each command is killed after <paramref name="timeout"/> (2 minutes by default).</summary>
    /// <exception cref="MissingToolException">skopeo is not installed.</exception>
    public Skopeo(TimeSpan? timeout = null)
    {
        _binary = Prerequisites.RequireTool("skopeo");
        Timeout = timeout ?? TimeSpan.FromMinutes(2);
        AuthFile = _directory.Combine("auth.json");
    }

    /// <summary>How long one skopeo command may run.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The auth file <see cref="LoginAsync"/> writes and every command reads.</summary>
    public string AuthFile { get; }

    /// <summary>Runs <c>skopeo --insecure-policy &lt;arguments&gt;</c> and returns how it ended (never throws on a non-zero exit).</summary>
    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(
            _binary,
            new[] { "--insecure-policy" }.Concat(arguments),
            Timeout,
            new Dictionary<string, string?> { ["REGISTRY_AUTH_FILE"] = AuthFile },
            cancellationToken);

    /// <summary>
    /// <c>skopeo copy</c> from <paramref name="source"/> to <paramref name="destination"/> (transport:reference,
    /// e.g. <c>oci:/dir:tag</c>, <c>dir:/dir</c>, <c>docker://host/repo:tag</c>).
    /// </summary>
    /// <param name="all">Copy every image of an index (<c>--all</c>).</param>
    /// <param name="preserveDigests">Fail rather than change a manifest digest (<c>--preserve-digests</c>).</param>
    /// <param name="format">Destination manifest type (<c>oci</c>, <c>v2s2</c>, <c>v2s1</c>), or null to keep the source's.</param>
    public Task<ProcessResult> CopyAsync(
        string source,
        string destination,
        RegistryAccess? sourceAccess = null,
        RegistryAccess? destinationAccess = null,
        bool all = false,
        bool preserveDigests = false,
        string? format = null,
        CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "copy", "--retry-times", "0", "--authfile", AuthFile };
        AddAccess(arguments, "--src-", sourceAccess);
        AddAccess(arguments, "--dest-", destinationAccess);
        if (all)
        {
            arguments.Add("--all");
        }

        if (preserveDigests)
        {
            arguments.Add("--preserve-digests");
        }

        if (format is not null)
        {
            arguments.Add($"--format={format}");
        }

        arguments.Add(source);
        arguments.Add(destination);
        return RunAsync(arguments, cancellationToken);
    }

    /// <summary><c>skopeo inspect</c>; with <paramref name="raw"/> stdout is the manifest exactly as served.</summary>
    public Task<ProcessResult> InspectAsync(string image, bool raw, RegistryAccess? access = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "inspect", "--retry-times", "0", "--authfile", AuthFile };
        AddAccess(arguments, "--", access);
        if (raw)
        {
            arguments.Add("--raw");
        }

        arguments.Add(image);
        return RunAsync(arguments, cancellationToken);
    }

    /// <summary><c>skopeo inspect --config</c>: stdout is the image's config blob.</summary>
    public Task<ProcessResult> InspectConfigAsync(string image, RegistryAccess? access = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "inspect", "--retry-times", "0", "--authfile", AuthFile, "--config", "--raw" };
        AddAccess(arguments, "--", access);
        arguments.Add(image);
        return RunAsync(arguments, cancellationToken);
    }

    /// <summary><c>skopeo list-tags docker://host/repository</c>; stdout is JSON <c>{"Repository":...,"Tags":[...]}</c>.</summary>
    public Task<ProcessResult> ListTagsAsync(string repository, RegistryAccess? access = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "list-tags", "--retry-times", "0", "--authfile", AuthFile };
        AddAccess(arguments, "--", access);
        arguments.Add(repository);
        return RunAsync(arguments, cancellationToken);
    }

    /// <summary><c>skopeo delete docker://host/repository@digest</c> (or <c>:tag</c>, which the registry resolves).</summary>
    public Task<ProcessResult> DeleteAsync(string image, RegistryAccess? access = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "delete", "--retry-times", "0", "--authfile", AuthFile };
        AddAccess(arguments, "--", access);
        arguments.Add(image);
        return RunAsync(arguments, cancellationToken);
    }

    /// <summary>
    /// <c>skopeo login</c> to <paramref name="registry"/> (host:port) into <see cref="AuthFile"/>, so later
    /// commands without <see cref="RegistryAccess.Credentials"/> are authenticated.
    /// </summary>
    public Task<ProcessResult> LoginAsync(string registry, string user, string password, RegistryAccess? access = null, CancellationToken cancellationToken = default)
    {
        var arguments = new List<string> { "login", "--authfile", AuthFile, "--username", user, "--password", password };
        AddTls(arguments, "--", access);
        arguments.Add(registry);
        return RunAsync(arguments, cancellationToken);
    }

    /// <summary><c>skopeo logout</c> from <paramref name="registry"/> in <see cref="AuthFile"/>.</summary>
    public Task<ProcessResult> LogoutAsync(string registry, CancellationToken cancellationToken = default) =>
        RunAsync(["logout", "--authfile", AuthFile, registry], cancellationToken);

    public void Dispose() => _directory.Dispose();

    private static void AddAccess(List<string> arguments, string prefix, RegistryAccess? access)
    {
        AddTls(arguments, prefix, access);
        if (access?.Credentials is { } credentials)
        {
            arguments.Add($"{prefix}creds={credentials}");
        }
    }

    private static void AddTls(List<string> arguments, string prefix, RegistryAccess? access)
    {
        if (access is null)
        {
            return;
        }

        arguments.Add($"{prefix}tls-verify={(access.TlsVerify ? "true" : "false")}");
        if (access.CertDirectory is not null)
        {
            arguments.Add($"{prefix}cert-dir={access.CertDirectory}");
        }
    }
}
