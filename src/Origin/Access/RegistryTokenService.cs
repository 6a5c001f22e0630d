using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Issues and verifies registry tokens: JWTs (RFC 7519) signed with HMAC-SHA256 under the key of
/// <see cref="SigningKeyFile"/>, carrying the Docker token claims (<c>iss</c>, <c>sub</c>, <c>aud</c>,
/// <c>iat</c>, <c>nbf</c>, <c>exp</c>, <c>jti</c>, <c>access</c>) plus <c>tid</c>, the access token they were
/// obtained with. Only this origin verifies them, so a symmetric key is enough; expiry is checked against the
/// injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RegistryTokenService(byte[] key, TimeProvider timeProvider)
{
    public const string Issuer = "edgeregistry-origin";

    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    // Tokens issued a little in the future by a clock that stepped are still accepted for this long.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Signs a token for <paramref name="subject"/> (empty for anonymous) valid for <paramref name="lifetime"/> from now.</summary>
    public (string Token, DateTimeOffset IssuedAt) Issue(string subject, string audience, IReadOnlyList<TokenAccess> access, TimeSpan lifetime, string? accessTokenId)
    {
        var now = timeProvider.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = (issuedAt + lifetime).ToUnixTimeSeconds(),
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["access"] = new JsonArray(access.Select(entry => (JsonNode)new JsonObject
            {
                ["type"] = entry.Type,
                ["name"] = entry.Name,
                ["actions"] = new JsonArray(entry.Actions.Select(action => (JsonNode)JsonValue.Create(action)!).ToArray()),
            }).ToArray()),
        };
        if (accessTokenId is not null)
        {
            claims["tid"] = accessTokenId;
        }

        var signingInput = Header + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return (signingInput + "." + Base64Url.EncodeToString(signature), issuedAt);
    }

    /// <summary>The claims of a token this origin signed that has not expired; null for anything else.</summary>
    public RegistryTokenClaims? Validate(string token)
    {
        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot + 1 || lastDot == token.Length - 1 || token.Length > 16 * 1024)
        {
            return null;
        }

        var signingInput = token[..lastDot];
        Span<byte> presented = stackalloc byte[64];
        if (!Base64Url.IsValid(token.AsSpan(lastDot + 1)) || Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1), presented) is not 32)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        if (!CryptographicOperations.FixedTimeEquals(expected, presented[..32]))
        {
            return null;
        }

        if (token[..firstDot] != Header)
        {
            return null;
        }

        JsonObject? claims;
        try
        {
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(token.AsSpan(firstDot + 1, lastDot - firstDot - 1))) as JsonObject;
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            // Signed by this key yet unreadable: refuse it like any bad token.
            return null;
        }

        if (claims is null || String(claims, "iss") != Issuer
            || Long(claims, "exp") is not { } exp || Long(claims, "nbf") is not { } nbf || Long(claims, "iat") is not { } iat)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (now >= expires || now + ClockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
        {
            return null;
        }

        var access = new List<TokenAccess>();
        if (claims["access"] is JsonArray entries)
        {
            foreach (var entry in entries.OfType<JsonObject>())
            {
                if (String(entry, "type") is { } type && String(entry, "name") is { } name && entry["actions"] is JsonArray actions)
                {
                    access.Add(new TokenAccess(type, name, actions.OfType<JsonValue>().Select(a => a.TryGetValue<string>(out var text) ? text : string.Empty).ToList()));
                }
            }
        }

        return new RegistryTokenClaims(String(claims, "sub") ?? string.Empty, access, DateTimeOffset.FromUnixTimeSeconds(iat), expires, String(claims, "tid"));
    }

    private static string? String(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static long? Long(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;
}
