namespace EdgeRegistry.Signing.Tests.CloudFront;

/// <summary>A signed URL taken apart: the URL before the signing parameters, and those parameters in order.</summary>
internal sealed record SignedUrl(string BaseUrl, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    private static readonly string[] SigningNames = ["Expires", "Policy", "Key-Pair-Id", "Signature", "Hash-Algorithm"];

    public string this[string name] => Parameters.Single(p => p.Key == name).Value;

    public bool Has(string name) => Parameters.Any(p => p.Key == name);

    /// <summary>Splits <paramref name="url"/> at its first signing parameter.</summary>
    public static SignedUrl Parse(string url)
    {
        var query = url.IndexOf('?');
        Assert.True(query > 0, $"'{url}' has no query");
        var pairs = url[(query + 1)..].Split('&');
        var firstSigning = Array.FindIndex(pairs, p => SigningNames.Contains(p.Split('=')[0]));
        Assert.True(firstSigning >= 0, $"'{url}' has no signing parameter");

        var baseUrl = firstSigning == 0 ? url[..query] : url[..query] + "?" + string.Join('&', pairs[..firstSigning]);
        var parameters = pairs[firstSigning..]
            .Select(p => p.Split('=', 2))
            .Select(kv => KeyValuePair.Create(kv[0], kv[1]))
            .ToList();
        return new SignedUrl(baseUrl, parameters);
    }
}
