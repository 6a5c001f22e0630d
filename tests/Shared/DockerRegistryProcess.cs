using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// Debian's docker-registry (CNCF distribution 2.8) as a real peer: <c>docker-registry serve config.yml</c>
/// on a free 127.0.0.1 port, filesystem storage in a temp dir, delete enabled, optionally htpasswd Basic
/// auth and TLS from a generated CA, optionally its access log to tell which requests reached it. Ready when
/// <c>GET /v2/</c> answers 200 (or 401 with auth).
/// </summary>
public sealed partial class DockerRegistryProcess : IAsyncDisposable, IRegistryEndpoint
{
    /// <summary>The realm of the Basic challenge (<c>WWW-Authenticate</c>) when auth is on.</summary>
    public const string Realm = "edgeregistry-tests";

    private readonly TempDirectory _directory;

    private DockerRegistryProcess(TempDirectory directory, ServerProcess server, int port, DockerRegistryOptions options, TestCertificateAuthority? authority, TlsFiles? tls)
    {
        _directory = directory;
        Server = server;
        Port = port;
        Options = options;
        CertificateAuthority = authority;
        TlsFiles = tls;
    }

    /// <summary>The options this registry was started with.</summary>
    public DockerRegistryOptions Options { get; }

    /// <summary>The running process (output, kill, restart).</summary>
    public ServerProcess Server { get; }

    /// <summary>The port it listens on at 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as image references and skopeo name the registry.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary><c>http://127.0.0.1:port/</c> or <c>https://...</c> with TLS.</summary>
    public Uri BaseAddress => new($"{(TlsFiles is null ? "http" : "https")}://{Host}/");

    /// <summary>The storage root directory (filesystem driver).</summary>
    public string StorageRoot => _directory.Combine("storage");

    /// <summary>The generated config.yml.</summary>
    public string ConfigPath => _directory.Combine("config.yml");

    /// <summary>The CA that issued the server certificate, when TLS is on.</summary>
    public TestCertificateAuthority? CertificateAuthority { get; }

    /// <summary>The PEM files of the server certificate, when TLS is on.</summary>
    public TlsFiles? TlsFiles { get; }

    /// <summary>Everything the registry printed.</summary>
    public string Output => Server.Output;

    /// <summary>
    /// The requests that reached the registry so far, across restarts, as <c>METHOD target</c> (for example
    /// <c>GET /v2/team/app/blobs/sha256:...</c>) in the order it logged them, which is when it finished
    /// answering; the readiness probes of starts are left out.
    /// </summary>
    /// <exception cref="InvalidOperationException">The registry was started without <see cref="DockerRegistryOptions.AccessLog"/>.</exception>
    public IReadOnlyList<string> Requests
    {
        get
        {
            if (!Options.AccessLog)
            {
                throw new InvalidOperationException($"Requests needs {nameof(DockerRegistryOptions)}.{nameof(DockerRegistryOptions.AccessLog)} = true.");
            }

            return AccessLogLine().Matches(Output)
                .Where(line => line.Groups["agent"].Value != ServerProcess.ReadinessUserAgent)
                .Select(line => $"{line.Groups["method"].Value} {line.Groups["target"].Value}")
                .ToList();
        }
    }

    /// <summary>How many of <see cref="Requests"/> are GETs of a blob (any repository, by sha256 digest).</summary>
    /// <exception cref="InvalidOperationException">The registry was started without <see cref="DockerRegistryOptions.AccessLog"/>.</exception>
    public int BlobGets => Requests.Count(request => BlobGet().IsMatch(request));

    /// <summary>
    /// How skopeo reaches this registry: TLS verified against the generated CA when TLS is on, plain HTTP
    /// otherwise; the first configured user's credentials when auth is on.
    /// </summary>
    public RegistryAccess Access
    {
        get
        {
            var access = TlsFiles is null ? RegistryAccess.Insecure : new RegistryAccess(TlsVerify: true, CertDirectory: TlsFiles.ClientCertDirectory);
            return Options.Users.Count == 0 ? access : access.WithCredentials(Options.Users.First().Key, Options.Users.First().Value);
        }
    }

    /// <summary>Starts a registry and waits until it is ready.</summary>
    /// <exception cref="MissingToolException">docker-registry is not installed.</exception>
    /// <exception cref="ServerStartException">It did not start; the message has its output.</exception>
    public static async Task<DockerRegistryProcess> StartAsync(DockerRegistryOptions? options, CancellationToken cancellationToken)
    {
        options ??= new DockerRegistryOptions();
        var binary = Prerequisites.RequireTool("docker-registry");
        var directory = new TempDirectory("docker-registry-");
        TestCertificateAuthority? authority = null;
        try
        {
            Directory.CreateDirectory(directory.Combine("storage"));
            TlsFiles? tls = null;
            if (options.Tls)
            {
                authority = TestCertificateAuthority.Create("docker-registry test CA");
                tls = authority.WriteServerFiles(directory.Combine("tls"));
            }

            string? htpasswd = null;
            if (options.Users.Count > 0)
            {
                htpasswd = directory.Combine("htpasswd");
                HtpasswdFile.Write(htpasswd, options.Users);
            }

            var configPath = directory.Combine("config.yml");
            var (server, port) = await ServerProcess.StartOnFreePortAsync(
                port =>
                {
                    File.WriteAllText(configPath, BuildConfig(port, directory.Combine("storage"), tls, htpasswd, options));
                    return new ServerProcessOptions
                    {
                        Name = "docker-registry",
                        FileName = binary,
                        Arguments = ["serve", configPath],
                        Environment = ChildEnvironment.ForRegistry(options.Environment),
                        WorkingDirectory = directory.Path,
                        ReadinessUrl = new Uri($"{(tls is null ? "http" : "https")}://127.0.0.1:{port}/v2/"),
                        IsReady = status => status is HttpStatusCode.OK or HttpStatusCode.Unauthorized,
                        CreateReadinessHandler = authority is null ? null : authority.CreateTrustingHandler,
                    };
                },
                cancellationToken);
            return new DockerRegistryProcess(directory, server, port, options, authority, tls);
        }
        catch
        {
            authority?.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary><c>docker://127.0.0.1:port/repository:tag</c> (or <c>@digest</c> when the reference is a digest).</summary>
    public string ImageReference(string repository, string tagOrDigest) =>
        $"docker://{Host}/{repository}{(tagOrDigest.Contains(':') ? "@" : ":")}{tagOrDigest}";

    /// <summary>
    /// An HttpClient for this registry: BaseAddress set, the generated CA trusted, Basic credentials of the
    /// first user sent when auth is on.
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        HttpMessageHandler handler = CertificateAuthority?.CreateTrustingHandler() ?? new SocketsHttpHandler();
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (Options.Users.Count > 0)
        {
            var (user, password) = Options.Users.First();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }

    /// <summary>SIGKILLs the registry (storage stays).</summary>
    public void Kill() => Server.Kill();

    /// <summary>Kills (if running) and starts it again on the same port and storage.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => Server.RestartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        CertificateAuthority?.Dispose();
        _directory.Dispose();
    }

    private static string BuildConfig(int port, string storage, TlsFiles? tls, string? htpasswd, DockerRegistryOptions options)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: info");
        yaml.AppendLine("  accesslog:");
        yaml.AppendLine($"    disabled: {(options.AccessLog ? "false" : "true")}");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: {Quote(storage)}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        yaml.AppendLine("  maintenance:");
        yaml.AppendLine("    uploadpurging:");
        yaml.AppendLine("      enabled: false");
        yaml.AppendLine("http:");
        yaml.AppendLine($"  addr: 127.0.0.1:{port}");
        yaml.AppendLine($"  secret: {Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}");
        if (tls is not null)
        {
            yaml.AppendLine("  tls:");
            yaml.AppendLine($"    certificate: {Quote(tls.CertificatePath)}");
            yaml.AppendLine($"    key: {Quote(tls.KeyPath)}");
        }

        if (htpasswd is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine($"    realm: {Realm}");
            yaml.AppendLine($"    path: {Quote(htpasswd)}");
        }

        if (options.ExtraYaml is not null)
        {
            yaml.AppendLine(options.ExtraYaml);
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    // The Combined Log Format distribution writes to stdout:
    // host - user [time] "METHOD target HTTP/1.1" status size "referer" "user-agent"
    [GeneratedRegex("""^\S+ \S+ \S+ \[[^\]]*\] "(?<method>[A-Z]+) (?<target>\S+) HTTP/[0-9.]+" \d{3} \S+ "[^"]*" "(?<agent>(?:[^"\\]|\\.)*)"$""", RegexOptions.Multiline)]
    private static partial Regex AccessLogLine();

    [GeneratedRegex("^GET /v2/\\S+/blobs/sha256:[0-9a-f]{64}$")]
    private static partial Regex BlobGet();
}
