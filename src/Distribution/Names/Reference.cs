using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Names;

/// <summary>The reference of a manifest request: a tag or a digest, never both.</summary>
public readonly record struct Reference(string? Tag, Digest? Digest)
{
    public bool IsDigest => Digest is not null;

    public override string ToString() => Digest?.ToString() ?? Tag!;

    /// <summary>
    /// A value containing <c>:</c> is a digest (DIGEST_INVALID when malformed); anything else must be a
    /// valid tag, else <paramref name="tagError"/> is thrown (MANIFEST_UNKNOWN on a pull, MANIFEST_INVALID on a push).
    /// </summary>
    public static Reference Parse(string value, ErrorCode tagError)
    {
        if (value.Contains(':'))
        {
            return new Reference(null, Digests.Digest.Parse(value));
        }

        if (!Names.Tag.IsValid(value))
        {
            throw new RegistryException(tagError, "invalid tag", new { tag = value.Length > 200 ? value[..200] : value });
        }

        return new Reference(value, null);
    }
}
