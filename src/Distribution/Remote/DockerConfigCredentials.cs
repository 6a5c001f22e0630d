using System.Text;
using System.Text.Json;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Per-registry credentials from a file in the docker client's <c>config.json</c> format:
/// <c>{"auths":{"registry.example.com:5000":{"auth":"base64(user:password)"}}}</c>, where an entry may also
/// give <c>username</c> and <c>password</c> fields instead of <c>auth</c>. Keys may be written as
/// <c>host[:port]</c> or as URLs (<c>https://host/v2/</c>); Docker Hub's key is <c>https://index.docker.io/v1/</c>.
/// Credential helpers (<c>credsStore</c>, <c>credHelpers</c>) and identity tokens are not supported:
/// entries without a user name and password are ignored.
/// </summary>
public sealed class DockerConfigCredentials
{
    private readonly Dictionary<string, RegistryCredential> byRegistry;

    private DockerConfigCredentials(Dictionary<string, RegistryCredential> byRegistry) => this.byRegistry = byRegistry;

    /// <summary>No credentials at all.</summary>
    public static DockerConfigCredentials Empty { get; } = new([]);

    /// <summary>The registry names (normalized) that have credentials.</summary>
    public IReadOnlyCollection<string> Registries => byRegistry.Keys;

    /// <summary>
    /// Reads the file at <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> when it does not
    /// exist and <see cref="InvalidDataException"/>, naming the file and the entry, when it is malformed.
    /// </summary>
    public static DockerConfigCredentials Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses config.json content. Throws <see cref="InvalidDataException"/> naming the malformed entry.</summary>
    public static DockerConfigCredentials Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"credentials file is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var result = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("credentials file must hold a JSON object");
            }

            if (!document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind == JsonValueKind.Null)
            {
                return new DockerConfigCredentials(result);
            }

            if (auths.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("'auths' must be an object");
            }

            foreach (var entry in auths.EnumerateObject())
            {
                var registry = NormalizeKey(entry.Name)
                    ?? throw new InvalidDataException($"auths key '{entry.Name}' is not a registry host or URL");
                if (ReadCredential(entry) is { } credential)
                {
                    result[registry] = credential;
                }
            }

            return new DockerConfigCredentials(result);
        }
    }

    /// <summary>The credential for <paramref name="registry"/> (<c>host[:port]</c>; Docker Hub by any of its names); null when there is none.</summary>
    public RegistryCredential? Find(string registry)
    {
        var key = NormalizeKey(registry);
        return key is not null && byRegistry.TryGetValue(key, out var credential) ? credential : null;
    }

    private static RegistryCredential? ReadCredential(JsonProperty entry)
    {
        if (entry.Value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"auths entry '{entry.Name}' must be an object");
        }

        var auth = ReadString(entry, "auth");
        if (!string.IsNullOrEmpty(auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"auths entry '{entry.Name}': 'auth' is not base64");
            }

            var colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                throw new InvalidDataException($"auths entry '{entry.Name}': 'auth' must encode user:password");
            }

            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
        }

        var username = ReadString(entry, "username");
        var password = ReadString(entry, "password");
        return string.IsNullOrEmpty(username) || password is null ? null : new RegistryCredential(username, password);
    }

    private static string? ReadString(JsonProperty entry, string name)
    {
        if (!entry.Value.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new InvalidDataException($"auths entry '{entry.Name}': '{name}' must be a string");
    }

    /// <summary><c>https://index.docker.io/v1/</c> → <c>docker.io</c>; <c>https://host:5000/v2/</c> → <c>host:5000</c>; null when malformed.</summary>
    private static string? NormalizeKey(string key)
    {
        var text = key.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            text = text[..slash];
        }

        return RegistryHost.TrySplit(text, out var host, out var port, out _)
            ? DockerHubNames.NormalizeRegistry(RegistryHost.Join(host, port))
            : null;
    }
}
