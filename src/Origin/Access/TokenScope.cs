using System.Text;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// One scope of the Docker token protocol: <c>repository:&lt;name&gt;:pull,push</c> or
/// <c>registry:catalog:*</c>. The name is everything between the first and the last colon.
/// </summary>
internal sealed record TokenScope(string Type, string Name, IReadOnlyList<string> Actions)
{
    public const string RepositoryType = "repository";
    public const string RegistryType = "registry";
    public const string CatalogName = "catalog";

    /// <summary>Parses the scopes of a token request: each <c>scope</c> parameter may hold several, separated by spaces. Malformed ones are skipped.</summary>
    public static IReadOnlyList<TokenScope> ParseAll(IEnumerable<string?> values)
    {
        var scopes = new List<TokenScope>();
        foreach (var value in values)
        {
            foreach (var part in (value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Parse(part) is { } scope)
                {
                    scopes.Add(scope);
                }
            }
        }

        return scopes;
    }

    /// <summary>One scope, or null when it does not have the three parts.</summary>
    public static TokenScope? Parse(string text)
    {
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        if (first <= 0 || last <= first + 1)
        {
            return null;
        }

        var type = text[..first];
        // Docker sends "repository(plugin)" for plugins: the class in parentheses changes nothing here.
        var parenthesis = type.IndexOf('(');
        if (parenthesis > 0)
        {
            type = type[..parenthesis];
        }

        var actions = text[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new TokenScope(type, text[(first + 1)..last], actions.Distinct(StringComparer.Ordinal).ToList());
    }

    public override string ToString()
    {
        var builder = new StringBuilder(Type).Append(':').Append(Name).Append(':');
        return builder.AppendJoin(',', Actions).ToString();
    }
}
