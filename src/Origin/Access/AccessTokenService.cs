using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Mints and checks access tokens: <c>ert_&lt;id&gt;_&lt;secret&gt;</c>, a 16-hex-digit public id (shown in
/// listings, used to revoke) and 32 random bytes of secret in base64url. Only the SHA-256 of the secret is
/// stored; a presented token is looked up by id and its secret's hash compared in constant time.
/// </summary>
internal sealed class AccessTokenService(IAccessStore store, TimeProvider timeProvider)
{
    public const string Prefix = "ert_";
    private const int IdLength = 16;
    private const int SecretBytes = 32;

    // base64url of 32 bytes, no padding.
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    /// <summary>True when <paramref name="value"/> has the shape of an access token (it may still be unknown or invalid).</summary>
    public static bool LooksLikeToken(string? value) =>
        value is not null && value.Length == Prefix.Length + IdLength + 1 + SecretLength && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The id part of a token, or null when it does not look like one.</summary>
    public static string? IdOf(string value) => LooksLikeToken(value) ? value.Substring(Prefix.Length, IdLength) : null;

    /// <summary>
    /// Mints a token for <paramref name="user"/>, valid for <paramref name="lifetime"/> (null: until revoked).
    /// Returns the token text, the only time it exists outside the caller's hands, and the stored record.
    /// </summary>
    public async Task<(string Token, AccessTokenRecord Record)> MintAsync(string user, TimeSpan? lifetime, string? description, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var expires = lifetime is { } span ? timeProvider.GetUtcNow() + span : (DateTimeOffset?)null;
        var record = await store.CreateAccessTokenAsync(
            new AccessTokenRecord(id, user, HashSecret(secret), description, default, expires, null),
            cancellationToken);
        return ($"{Prefix}{id}_{secret}", record);
    }

    /// <summary>
    /// The stored record of a presented token when it is known, its secret matches, and it is neither revoked
    /// nor expired; null otherwise (the caller answers 401 either way, so the reason is not told apart).
    /// </summary>
    public async Task<AccessTokenRecord?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!LooksLikeToken(presented))
        {
            return null;
        }

        var id = presented.Substring(Prefix.Length, IdLength);
        if (presented[Prefix.Length + IdLength] != '_')
        {
            return null;
        }

        var hash = HashSecret(presented[(Prefix.Length + IdLength + 1)..]);
        var record = await store.GetAccessTokenAsync(id, cancellationToken);
        if (record is null || !CryptographicOperations.FixedTimeEquals(hash, record.SecretHash))
        {
            return null;
        }

        return IsActive(record) ? record : null;
    }

    /// <summary>True when the record is neither revoked nor expired at the provider's current time.</summary>
    public bool IsActive(AccessTokenRecord record) =>
        record.Revoked is null && (record.Expires is not { } expires || expires > timeProvider.GetUtcNow());

    private static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
