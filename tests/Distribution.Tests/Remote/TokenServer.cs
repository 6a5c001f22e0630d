using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Remote;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>
/// A real token server for docker-registry's <c>auth.token</c> (the docker token spec): GET
/// <c>/token?service=...&amp;scope=repository:name:actions</c> answers a JWT signed RS256 with a key whose
/// self-signed certificate is the registry's <c>rootcertbundle</c> and travels in the <c>x5c</c> header, with
/// <c>iss</c>, <c>aud</c> (the service), <c>exp</c>/<c>nbf</c>/<c>iat</c> and the granted <c>access</c>.
/// Repositories under <c>private/</c> need <see cref="Credential"/> as Basic auth; others are anonymous.
/// </summary>
internal sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "edge-test-registry";
    public const string Issuer = "edge-test-token-issuer";
    public const string PrivatePrefix = "private/";

    private readonly RSA key = RSA.Create(2048);
    private readonly X509Certificate2 certificate;
    private readonly ConcurrentDictionary<string, int> fetches = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string?> users = new();
    private readonly TempDirectory files = new("edgeregistry-token-");
    private KestrelPeer? peer;

    private TokenServer()
    {
        var request = new CertificateRequest("CN=EdgeRegistry test token signer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
    }

    public RegistryCredential Credential { get; } = new("puller", "token-secret-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Answer with <c>access_token</c> instead of <c>token</c> (OAuth2 style).</summary>
    public bool UseAccessTokenField { get; set; }

    /// <summary>The <c>expires_in</c> of the answers, in seconds; null leaves it out.</summary>
    public int? ExpiresIn { get; set; } = 300;

    public Uri Realm => new(peer!.BaseUri, "token");

    /// <summary>The user names (null for anonymous) the token requests came with, in order.</summary>
    public IReadOnlyCollection<string?> Users => users;

    public static async Task<TokenServer> StartAsync()
    {
        var server = new TokenServer();
        server.peer = await KestrelPeer.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>How many tokens were issued for exactly this scope string.</summary>
    public int Fetches(string scope) => fetches.GetValueOrDefault(scope);

    /// <summary>The registry's <c>auth:</c> section, writing the root certificate bundle into a directory of this server's.</summary>
    public string AuthYaml()
    {
        var bundle = files.Combine("token-signer.crt");
        File.WriteAllText(bundle, certificate.ExportCertificatePem());
        return $"""
            auth:
              token:
                realm: {Realm}
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {bundle}

            """;
    }

    /// <summary>A bearer token for <paramref name="scope"/>, as the test's own seeding client uses.</summary>
    public AuthenticationHeaderValue Authorize(string scope) => new("Bearer", Issue([scope], "seeder"));

    public async ValueTask DisposeAsync()
    {
        if (peer is not null)
        {
            await peer.DisposeAsync();
        }

        certificate.Dispose();
        key.Dispose();
        files.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/token" || context.Request.Query["service"] != Service)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        string? user = null;
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var authorization) && authorization.Scheme == "Basic")
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization.Parameter ?? string.Empty));
            if (pair != $"{Credential.Username}:{Credential.Password}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            user = Credential.Username;
        }

        var scopes = context.Request.Query["scope"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToArray();
        if (user is null && scopes.Any(s => ScopeName(s).StartsWith(PrivatePrefix, StringComparison.Ordinal)))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        users.Enqueue(user);
        foreach (var scope in scopes)
        {
            fetches.AddOrUpdate(scope, 1, (_, n) => n + 1);
        }

        var token = Issue(scopes, user ?? string.Empty);
        var body = new Dictionary<string, object> { [UseAccessTokenField ? "access_token" : "token"] = token };
        if (ExpiresIn is { } seconds)
        {
            body["expires_in"] = seconds;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private string Issue(IEnumerable<string> scopes, string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(certificate.RawData) } };
        var claims = new
        {
            iss = Issuer,
            sub = subject,
            aud = Service,
            exp = now + 600,
            nbf = now - 10,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access = scopes.Select(s => new
            {
                type = s[..s.IndexOf(':')],
                name = ScopeName(s),
                actions = s[(s.LastIndexOf(':') + 1)..].Split(','),
            }).ToArray(),
        };
        var signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string ScopeName(string scope) => scope[(scope.IndexOf(':') + 1)..scope.LastIndexOf(':')];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
