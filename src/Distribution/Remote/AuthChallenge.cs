using System.Net.Http.Headers;
using System.Text;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 9110 section 11.6.1): a scheme and its
/// auth-params, e.g. <c>Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"</c>.
/// Parameter names are case-insensitive; quoted values are unescaped.
/// </summary>
internal sealed class AuthChallenge
{
    public const string BearerScheme = "Bearer";
    public const string BasicScheme = "Basic";

    private AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public bool IsBearer => Scheme.Equals(BearerScheme, StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals(BasicScheme, StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>Parses one challenge from its scheme and the raw parameter text (null or empty for none).</summary>
    public static AuthChallenge Parse(string scheme, string? parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = parameters ?? string.Empty;
        var i = 0;
        while (i < text.Length)
        {
            SkipSeparators(text, ref i);
            var nameStart = i;
            while (i < text.Length && text[i] is not ('=' or ',') && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var name = text[nameStart..i];
            SkipWhiteSpace(text, ref i);
            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                // A token68 (Basic's credentials form) or garbage: not a parameter; skip to the next comma.
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                continue;
            }

            i++;
            SkipWhiteSpace(text, ref i);
            result[name] = i < text.Length && text[i] == '"' ? ReadQuoted(text, ref i) : ReadToken(text, ref i);
        }

        return new AuthChallenge(scheme, result);
    }

    /// <summary>
    /// The challenge to answer among <paramref name="headers"/>: the first Bearer challenge with a realm, else
    /// the first Basic one; null when there is neither.
    /// </summary>
    public static AuthChallenge? Select(IEnumerable<AuthenticationHeaderValue> headers)
    {
        AuthChallenge? basic = null;
        foreach (var header in headers)
        {
            var challenge = Parse(header.Scheme, header.Parameter);
            if (challenge.IsBearer && !string.IsNullOrEmpty(challenge.Realm))
            {
                return challenge;
            }

            if (challenge.IsBasic)
            {
                basic ??= challenge;
            }
        }

        return basic;
    }

    private static string ReadQuoted(string text, ref int i)
    {
        var value = new StringBuilder();
        i++;
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            value.Append(text[i]);
            i++;
        }

        i++;
        return value.ToString();
    }

    private static string ReadToken(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return text[start..i];
    }

    private static void SkipSeparators(string text, ref int i)
    {
        while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
        {
            i++;
        }
    }

    private static void SkipWhiteSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }
}
