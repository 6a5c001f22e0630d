using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Edge.Configuration;

/// <summary>
/// Reads the edge's YAML file, applies <c>EDGE_</c> environment overrides and validates the result.
/// Every key is <c>section.key</c> in the file (camelCase) and <c>EDGE_SECTION_KEY</c> in the
/// environment (<c>cache.maxSize</c> ↔ <c>EDGE_CACHE_MAXSIZE</c>). An unknown key in the file, a value of the
/// wrong form, or a failed rule throws <see cref="EdgeConfigurationException"/> listing every problem, each
/// naming its key. Unknown <c>EDGE_</c> variables are ignored: Kubernetes injects <c>EDGE_SERVICE_HOST</c>
/// and friends for a Service called "edge".
/// </summary>
public static class EdgeConfigurationLoader
{
    /// <summary>Environment variable naming the YAML file when <c>--config</c> is not given.</summary>
    public const string ConfigPathVariable = "EDGE_CONFIG";

    /// <summary>The file read when neither <c>--config</c> nor <see cref="ConfigPathVariable"/> names one, if it exists.</summary>
    public const string DefaultConfigPath = "/etc/edge/config.yml";

    private static readonly Dictionary<string, Func<EdgeOptions, string, EdgeOptions>> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["listen"] = (o, v) => o with { Listen = v.Trim() },
        ["origin.url"] = (o, v) => o with { Origin = o.Origin with { Url = ConfigValue.AbsoluteUri(v) } },
        ["origin.timeout"] = (o, v) => o with { Origin = o.Origin with { Timeout = ConfigValue.Duration(v) } },
        ["origin.retries"] = (o, v) => o with { Origin = o.Origin with { Retries = ConfigValue.Integer(v) } },
        ["origin.breakDuration"] = (o, v) => o with { Origin = o.Origin with { BreakDuration = ConfigValue.Duration(v) } },
        ["cache.directory"] = (o, v) => o with { Cache = o.Cache with { Directory = v.Trim() } },
        ["cache.maxSize"] = (o, v) => o with { Cache = o.Cache with { MaxSize = ConfigValue.Size(v) } },
        ["cache.highWatermark"] = (o, v) => o with { Cache = o.Cache with { HighWatermark = ConfigValue.Fraction(v) } },
        ["cache.lowWatermark"] = (o, v) => o with { Cache = o.Cache with { LowWatermark = ConfigValue.Fraction(v) } },
        ["cache.fillTimeout"] = (o, v) => o with { Cache = o.Cache with { FillTimeout = ConfigValue.Duration(v) } },
        ["cache.sendfile"] = (o, v) => o with { Cache = o.Cache with { Sendfile = ConfigValue.Boolean(v) } },
        ["authorization.ttl"] = (o, v) => o with { Authorization = o.Authorization with { Ttl = ConfigValue.Duration(v) } },
        ["manifests.staleIfError"] = (o, v) => o with { Manifests = o.Manifests with { StaleIfError = ConfigValue.Duration(v) } },
        ["manifests.maxSize"] = (o, v) => o with { Manifests = o.Manifests with { MaxSize = ConfigValue.Size(v) } },
        ["tls.certificate"] = (o, v) => o with { Tls = o.Tls with { Certificate = v.Trim() } },
        ["tls.key"] = (o, v) => o with { Tls = o.Tls with { Key = v.Trim() } },
        ["log.level"] = (o, v) => o with { Log = o.Log with { Level = v.Trim() } },
        ["cloudFront.baseUrl"] = (o, v) => o with { CloudFront = o.CloudFront with { BaseUrl = ConfigValue.AbsoluteUri(v) } },
        ["cloudFront.privateKey"] = (o, v) => o with { CloudFront = o.CloudFront with { PrivateKey = v.Trim() } },
        ["cloudFront.keyPairId"] = (o, v) => o with { CloudFront = o.CloudFront with { KeyPairId = v.Trim() } },
        ["cloudFront.duration"] = (o, v) => o with { CloudFront = o.CloudFront with { Duration = ConfigValue.Duration(v) } },
        ["cloudFront.thresholdBytes"] = (o, v) => o with { CloudFront = o.CloudFront with { ThresholdBytes = ConfigValue.Size(v) } },
        ["cloudFront.backgroundFill"] = (o, v) => o with { CloudFront = o.CloudFront with { BackgroundFill = ConfigValue.Boolean(v) } },
        ["cloudFront.rootDirectory"] = (o, v) => o with { CloudFront = o.CloudFront with { RootDirectory = v.Trim() } },
        ["upstream.allowed"] = (o, v) => o with { Upstream = o.Upstream with { Allowed = ConfigValue.StringList(v) } },
        ["upstream.insecure"] = (o, v) => o with { Upstream = o.Upstream with { Insecure = ConfigValue.StringList(v) } },
        ["upstream.aliases"] = (o, v) => o with { Upstream = o.Upstream with { Aliases = ConfigValue.StringMap(v) } },
        ["upstream.credentials"] = (o, v) => o with { Upstream = o.Upstream with { Credentials = v.Trim() } },
        ["upstream.caDirectory"] = (o, v) => o with { Upstream = o.Upstream with { CaDirectory = v.Trim() } },
        ["upstream.connectTimeout"] = (o, v) => o with { Upstream = o.Upstream with { ConnectTimeout = ConfigValue.Duration(v) } },
        ["upstream.attemptTimeout"] = (o, v) => o with { Upstream = o.Upstream with { AttemptTimeout = ConfigValue.Duration(v) } },
        ["upstream.totalTimeout"] = (o, v) => o with { Upstream = o.Upstream with { TotalTimeout = ConfigValue.Duration(v) } },
        ["upstream.retries"] = (o, v) => o with { Upstream = o.Upstream with { Retries = ConfigValue.Integer(v) } },
        ["upstream.retryDelay"] = (o, v) => o with { Upstream = o.Upstream with { RetryDelay = ConfigValue.Duration(v) } },
        ["upstream.retryMaxDelay"] = (o, v) => o with { Upstream = o.Upstream with { RetryMaxDelay = ConfigValue.Duration(v) } },
        ["upstream.maxRetryAfter"] = (o, v) => o with { Upstream = o.Upstream with { MaxRetryAfter = ConfigValue.Duration(v) } },
        ["pullThrough.enabled"] = (o, v) => o with { PullThrough = o.PullThrough with { Enabled = ConfigValue.Boolean(v) } },
        ["pullThrough.statusTtl"] = (o, v) => o with { PullThrough = o.PullThrough with { StatusTtl = ConfigValue.Duration(v) } },
        ["pullThrough.tokenFile"] = (o, v) => o with { PullThrough = o.PullThrough with { TokenFile = v.Trim() } },
        ["mirror.enabled"] = (o, v) => o with { Mirror = o.Mirror with { Enabled = ConfigValue.Boolean(v) } },
        ["mirror.defaultRegistry"] = (o, v) => o with { Mirror = o.Mirror with { DefaultRegistry = v.Trim() } },
        ["mirror.originNames"] = (o, v) => o with { Mirror = o.Mirror with { OriginNames = ConfigValue.StringList(v) } },
    };

    // Keys whose value is a list or a mapping in the file (and YAML flow text in the environment).
    private static readonly HashSet<string> StructuredKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "upstream.allowed", "upstream.insecure", "upstream.aliases", "mirror.originNames",
    };

    /// <summary>The keys the file accepts, as written in the file.</summary>
    public static IReadOnlyCollection<string> KnownKeys => Keys.Keys;

    /// <summary>The environment variable that overrides <paramref name="key"/>.</summary>
    public static string EnvironmentName(string key) => "EDGE_" + key.Replace('.', '_').ToUpperInvariant();

    /// <summary>Loads from the file named by <c>--config</c>, <see cref="ConfigPathVariable"/> or <see cref="DefaultConfigPath"/>, then the environment.</summary>
    public static EdgeOptions Load(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var path = ConfigPath(args, environment);
        string? yaml = null;
        if (path is not null)
        {
            try
            {
                yaml = File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                throw new EdgeConfigurationException([$"config file '{path}': {ex.Message}"]);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new EdgeConfigurationException([$"config file '{path}': {ex.Message}"]);
            }
        }

        return Parse(yaml, environment);
    }

    /// <summary>Loads from YAML text (null for none) and the environment; throws <see cref="EdgeConfigurationException"/>.</summary>
    public static EdgeOptions Parse(string? yaml, IReadOnlyDictionary<string, string?> environment)
    {
        var errors = new List<string>();
        var values = new Dictionary<string, (string Value, string Source)>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(yaml))
        {
            ReadYaml(yaml, values, errors);
        }

        foreach (var key in Keys.Keys)
        {
            var name = EnvironmentName(key);
            if (environment.TryGetValue(name, out var value) && value is not null)
            {
                values[key] = (value, name);
            }
        }

        var options = new EdgeOptions();
        foreach (var (key, (value, source)) in values)
        {
            try
            {
                options = Keys[key](options, value);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                errors.Add(source == key ? $"{key}: {ex.Message}" : $"{key} ({source}): {ex.Message}");
            }
        }

        errors.AddRange(EdgeOptionsValidator.Validate(options));
        return errors.Count == 0 ? options : throw new EdgeConfigurationException(errors);
    }

    private static string? ConfigPath(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        if (environment.TryGetValue(ConfigPathVariable, out var fromEnvironment) && !string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        return File.Exists(DefaultConfigPath) ? DefaultConfigPath : null;
    }

    private static void ReadYaml(string yaml, Dictionary<string, (string, string)> values, List<string> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            errors.Add($"config file: line {ex.Start.Line}: {ex.Message}");
            return;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add("config file: the top level must be a mapping of sections");
            return;
        }

        Walk(root, prefix: "", values, errors);
    }

    private static void Walk(YamlMappingNode mapping, string prefix, Dictionary<string, (string, string)> values, List<string> errors)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = prefix + ((keyNode as YamlScalarNode)?.Value ?? "?");
            switch (valueNode)
            {
                case YamlMappingNode child when IsSection(key):
                    Walk(child, key + ".", values, errors);
                    break;
                case YamlSequenceNode or YamlMappingNode when StructuredKeys.Contains(key):
                    values[key] = (ConfigValue.ToText(valueNode), key);
                    break;
                case YamlScalarNode scalar when Keys.ContainsKey(key):
                    if (scalar.Value is { Length: > 0 } text)
                    {
                        values[key] = (text, key);
                    }

                    break;
                case YamlScalarNode or YamlMappingNode when !Keys.ContainsKey(key) && !IsSection(key):
                    errors.Add($"{key}: unknown key (known: {string.Join(", ", Keys.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))})");
                    break;
                default:
                    errors.Add($"{key}: expected {(IsSection(key) ? "a mapping" : "a single value")}");
                    break;
            }
        }
    }

    private static bool IsSection(string key) =>
        Keys.Keys.Any(k => k.StartsWith(key + ".", StringComparison.OrdinalIgnoreCase));
}
