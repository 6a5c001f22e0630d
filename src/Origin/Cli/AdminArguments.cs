namespace EdgeRegistry.Origin.Cli;

/// <summary>
/// The arguments of <c>admin</c>: positional words, options that take a value (<c>--config PATH</c>,
/// <c>-n PROJECT</c>, <c>--expires 24h</c>, also written <c>--name=value</c>) and flags (<c>--public</c>).
/// </summary>
internal sealed class AdminArguments
{
    private static readonly Dictionary<string, string> ValueOptions = new(StringComparer.Ordinal)
    {
        ["--config"] = "config",
        ["-n"] = "namespace",
        ["--namespace"] = "namespace",
        ["--expires"] = "expires",
        ["--description"] = "description",
        ["--user"] = "user",
        ["--from"] = "from",
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--public", "--private", "--password-stdin", "--all", "--help", "-h" };

    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Words { get; private init; } = [];

    /// <summary>Parses <paramref name="args"/>; <see cref="AdminUsageException"/> for an unknown option or a missing value.</summary>
    public static AdminArguments Parse(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        var result = new AdminArguments { Words = words };
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=') : -1;
            var name = equals > 0 ? arg[..equals] : arg;
            if (ValueOptions.TryGetValue(name, out var key))
            {
                if (equals > 0)
                {
                    result._options[key] = arg[(equals + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    result._options[key] = args[++i];
                }
                else
                {
                    throw new AdminUsageException($"{name} needs a value");
                }
            }
            else if (Flags.Contains(arg))
            {
                result._flags.Add(arg);
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                throw new AdminUsageException($"unknown option {arg}");
            }
            else
            {
                words.Add(arg);
            }
        }

        return result;
    }

    /// <summary>The value of an option (by its canonical name: config, namespace, expires, description, user, from), or null.</summary>
    public string? Option(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public bool Flag(string flag) => _flags.Contains(flag);

    /// <summary>The word at <paramref name="index"/>; <see cref="AdminUsageException"/> naming <paramref name="what"/> when missing.</summary>
    public string Word(int index, string what) =>
        index < Words.Count ? Words[index] : throw new AdminUsageException($"missing {what}");

    /// <summary>Fails when more than <paramref name="count"/> words were given.</summary>
    public void NoMoreThan(int count)
    {
        if (Words.Count > count)
        {
            throw new AdminUsageException($"unexpected argument {Words[count]}");
        }
    }
}
