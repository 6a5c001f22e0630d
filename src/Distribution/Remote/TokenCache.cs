using System.Collections.Concurrent;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Bearer tokens by realm, service and scope, each reused until shortly before it expires. Expiry is
/// counted on the injected clock from the moment the token was received: the token server's
/// <c>issued_at</c> is ignored because its clock need not agree with ours.
/// </summary>
internal sealed class TokenCache(TimeProvider timeProvider)
{
    // Entries for expired tokens are dropped when the cache grows past this (one entry per repository pulled).
    private const int PruneThreshold = 1024;

    // A token is not used in its last seconds: the request it authorizes still has to reach the registry.
    private static readonly TimeSpan SafetyMargin = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public static string Key(string realm, string? service, string scope) => $"{realm}\n{service}\n{scope}";

    public bool TryGet(string key, out string token)
    {
        if (entries.TryGetValue(key, out var entry) && timeProvider.GetUtcNow() < entry.UsableUntil)
        {
            token = entry.Token;
            return true;
        }

        token = string.Empty;
        return false;
    }

    /// <summary>Stores <paramref name="token"/>, valid for <paramref name="lifetime"/> from now.</summary>
    public void Set(string key, string token, TimeSpan lifetime)
    {
        var now = timeProvider.GetUtcNow();
        var margin = lifetime > SafetyMargin + SafetyMargin ? SafetyMargin : lifetime / 2;
        entries[key] = new Entry(token, now + lifetime - margin);
        if (entries.Count > PruneThreshold)
        {
            foreach (var (k, e) in entries)
            {
                if (e.UsableUntil <= now)
                {
                    entries.TryRemove(new KeyValuePair<string, Entry>(k, e));
                }
            }
        }
    }

    /// <summary>Forgets <paramref name="token"/> under <paramref name="key"/> (the registry refused it); a newer token stays.</summary>
    public void Invalidate(string key, string token)
    {
        if (entries.TryGetValue(key, out var entry) && entry.Token == token)
        {
            entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    private sealed record Entry(string Token, DateTimeOffset UsableUntil);
}
