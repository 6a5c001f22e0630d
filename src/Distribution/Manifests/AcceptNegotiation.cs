namespace EdgeRegistry.Distribution.Manifests;

/// <summary>
/// Decides whether a stored manifest may be served to a request given its <c>Accept</c> header. We never
/// convert between manifest formats (no schema2-to-schema1 rewrite, no picking a platform out of a list):
/// the stored bytes are served as they are, or not at all.
/// </summary>
public static class AcceptNegotiation
{
    /// <summary>
    /// True when <paramref name="storedMediaType"/> may be served. Each value may hold several
    /// comma-separated entries with parameters; an entry with <c>q=0</c> counts as absent. Acceptable when:
    /// no entry is given; an entry is <c>*/*</c> or the stored type's <c>type/*</c>; an entry equals the
    /// stored type (case-insensitive; the signed and unsigned schema1 types stand for each other); or no entry
    /// names a manifest type at all (e.g. only <c>application/json</c>), in which case the client gets the
    /// stored type as it is. False only when the client lists manifest types and the stored one is not among
    /// them: the origin answers MANIFEST_UNKNOWN then, as CNCF distribution does for an OCI manifest asked
    /// for by a client that does not accept OCI.
    /// </summary>
    public static bool IsAcceptable(IEnumerable<string?>? acceptHeaderValues, string storedMediaType)
    {
        ArgumentNullException.ThrowIfNull(storedMediaType);
        var stored = MediaTypes.Essence(storedMediaType) ?? string.Empty;
        var slash = stored.IndexOf('/');
        var storedRange = slash < 0 ? null : string.Concat(stored.AsSpan(0, slash + 1), "*");
        var listsManifestType = false;

        foreach (var value in acceptHeaderValues ?? [])
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var type = MediaTypes.Essence(entry);
                if (type is null || IsRefused(entry))
                {
                    continue;
                }

                if (type == stored || type == "*/*" || type == storedRange || IsSchema1Pair(type, stored))
                {
                    return true;
                }

                listsManifestType |= MediaTypes.IsManifestType(type);
            }
        }

        return !listsManifestType;
    }

    private static bool IsSchema1Pair(string a, string b) => MediaTypes.IsSchema1(a) && MediaTypes.IsSchema1(b);

    /// <summary>True for an entry with a quality of zero (<c>q=0</c>, <c>q=0.0</c>...), which means "not acceptable".</summary>
    private static bool IsRefused(string entry)
    {
        foreach (var parameter in entry.Split(';', StringSplitOptions.TrimEntries).AsSpan(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter.AsSpan(0, equals).Trim().Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                var quality = parameter.AsSpan(equals + 1).Trim();
                return quality.Length > 0 && quality[0] == '0' && !quality.ContainsAnyExcept("0.");
            }
        }

        return false;
    }
}
