using System.Text;

namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>
/// The real origin as a child process (<c>dotnet EdgeRegistry.Origin.dll</c>) with a temp data directory
/// and a generated config.yml (passed as <c>REGISTRY_CONFIGURATION_PATH</c>): version 0.1, http.addr on a
/// free 127.0.0.1 port, filesystem storage under the data directory, delete enabled. Ready when
/// <c>GET /healthz</c> answers 200.
/// </summary>
public sealed class OriginProcess : IAsyncDisposable, IRegistryEndpoint
{
    private readonly TempDirectory _directory;

    private readonly TestCertificateAuthority? _authority;

    private OriginProcess(TempDirectory directory, ServerProcess server, int port, OriginOptions options, TestCertificateAuthority? authority, TlsFiles? tls)
    {
        _directory = directory;
        _authority = authority;
        Server = server;
        Port = port;
        Options = options;
        TlsFiles = tls;
    }

    /// <summary>The certificate files when <see cref="OriginOptions.Tls"/> is on.</summary>
    public TlsFiles? TlsFiles { get; }

    /// <summary>The options this origin was started with.</summary>
    public OriginOptions Options { get; }

    /// <summary>The running process (output, kill, stop, restart).</summary>
    public ServerProcess Server { get; }

    /// <summary>The port it listens on at 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as image references and skopeo name the registry.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress => new($"{(TlsFiles is null ? "http" : "https")}://{Host}/");

    /// <summary>The data directory (working directory of the process; storage lives below it).</summary>
    public string DataDirectory => _directory.Path;

    /// <summary>The filesystem storage root.</summary>
    public string StorageRoot => _directory.Combine("storage");

    /// <summary>The generated config.yml.</summary>
    public string ConfigPath => _directory.Combine("config.yml");

    /// <summary>Everything the origin printed (all runs).</summary>
    public string Output => Server.Output;

    /// <summary>How skopeo reaches this origin: plain HTTP, no credentials.</summary>
    public RegistryAccess Access => TlsFiles is null ? RegistryAccess.Insecure : new RegistryAccess(TlsVerify: true, CertDirectory: TlsFiles.ClientCertDirectory);

    /// <summary>Starts the origin and waits until <c>/healthz</c> answers 200.</summary>
    /// <exception cref="FileNotFoundException">The origin is not built.</exception>
    /// <exception cref="ServerStartException">It exited or was not healthy within the timeout; the message has its log.</exception>
    public static async Task<OriginProcess> StartAsync(OriginOptions? options, CancellationToken cancellationToken)
    {
        options ??= new OriginOptions();
        var dll = OriginLocator.FindOriginDll();
        var dotnet = OriginLocator.FindDotnetHost();
        var directory = new TempDirectory("origin-");
        TestCertificateAuthority? authority = null;
        try
        {
            Directory.CreateDirectory(directory.Combine("storage"));
            TlsFiles? tls = null;
            if (options.Tls)
            {
                authority = TestCertificateAuthority.Create("origin test CA");
                tls = authority.WriteServerFiles(directory.Combine("tls"));
            }

            var configPath = directory.Combine("config.yml");
            var environment = ChildEnvironment.ForRegistry(options.Environment);
            environment.TryAdd("REGISTRY_CONFIGURATION_PATH", configPath);

            // Settings from a developer's shell that would move the listener or change the host's behaviour.
            environment.TryAdd("ASPNETCORE_URLS", null);
            environment.TryAdd("DOTNET_URLS", null);
            environment.TryAdd("ASPNETCORE_HTTP_PORTS", null);
            environment.TryAdd("ASPNETCORE_HTTPS_PORTS", null);
            environment.TryAdd("DOTNET_CLI_TELEMETRY_OPTOUT", "1");

            var (server, port) = await ServerProcess.StartOnFreePortAsync(
                port =>
                {
                    File.WriteAllText(configPath, BuildConfig(port, directory.Combine("storage"), options.ExtraYaml, tls));
                    return new ServerProcessOptions
                    {
                        Name = "origin",
                        FileName = dotnet,
                        Arguments = [dll, .. options.Arguments],
                        Environment = environment,
                        WorkingDirectory = directory.Path,
                        ReadinessUrl = new Uri($"{(tls is null ? "http" : "https")}://127.0.0.1:{port}/healthz"),
                        CreateReadinessHandler = authority is null ? null : authority.CreateTrustingHandler,
                        ReadinessTimeout = options.ReadinessTimeout,
                    };
                },
                cancellationToken);
            return new OriginProcess(directory, server, port, options, authority, tls);
        }
        catch
        {
            authority?.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The config.yml the harness writes for <paramref name="port"/> and <paramref name="storageRoot"/>.</summary>
    public static string BuildConfig(int port, string storageRoot, string? extraYaml, TlsFiles? tls = null)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("http:");
        yaml.AppendLine($"  addr: 127.0.0.1:{port}");
        if (tls is not null)
        {
            yaml.AppendLine("  tls:");
            yaml.AppendLine($"    certificate: '{tls.CertificatePath}'");
            yaml.AppendLine($"    key: '{tls.KeyPath}'");
        }

        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: '{storageRoot.Replace("'", "''", StringComparison.Ordinal)}'");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        if (extraYaml is not null)
        {
            yaml.AppendLine(extraYaml);
        }

        return yaml.ToString();
    }

    /// <summary><c>docker://127.0.0.1:port/repository:tag</c> (or <c>@digest</c> when the reference is a digest).</summary>
    public string ImageReference(string repository, string tagOrDigest) =>
        $"docker://{Host}/{repository}{(tagOrDigest.Contains(':') ? "@" : ":")}{tagOrDigest}";

    /// <summary>An HttpClient whose BaseAddress is this origin.</summary>
    public HttpClient CreateHttpClient() =>
        _authority is null ? new() { BaseAddress = BaseAddress } : new(_authority.CreateTrustingHandler()) { BaseAddress = BaseAddress };

    /// <summary>SIGKILLs the origin and its children (the data directory stays).</summary>
    public void Kill() => Server.Kill();

    /// <summary>Kills (if running) and starts the origin again on the same port, config and data.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => Server.RestartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _authority?.Dispose();
        _directory.Dispose();
    }
}
