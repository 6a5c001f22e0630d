using System.Net;
using System.Text.Json;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>
/// The address ranges of AWS (or of the configured regions only), loaded from an <c>ip-ranges.json</c>
/// document: the <c>ipfilteredby</c> test of the CloudFront middleware, as CNCF distribution's
/// <c>awsIPs</c>. Until the first successful <see cref="UpdateAsync"/> no address is in AWS.
/// </summary>
/// <remarks>Safe for concurrent use: an update replaces the whole set at once; readers see the old or the new one.</remarks>
internal sealed class AwsIpRanges : IDisposable
{
    private readonly HttpClient http;
    private readonly HashSet<string> regions;
    private volatile IpRangeSet current = IpRangeSet.Empty;

    /// <summary>Creates the ranges, empty until updated.</summary>
    /// <param name="http">The client that downloads the document; disposed with this object.</param>
    /// <param name="url">Where the document is (<c>iprangesurl</c>).</param>
    /// <param name="regions">The regions whose prefixes count (<c>awsregion</c>, case-insensitive); empty for all of AWS.</param>
    public AwsIpRanges(HttpClient http, Uri url, IReadOnlyCollection<string> regions)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(regions);
        this.http = http;
        Url = url;
        this.regions = new HashSet<string>(regions, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The document's URL.</summary>
    public Uri Url { get; }

    /// <summary>Whether <paramref name="address"/> is in the ranges of the last successful update.</summary>
    public bool Contains(IPAddress address) => current.Contains(address);

    /// <summary>
    /// Downloads and parses the document and, when that succeeds, replaces the ranges with its prefixes
    /// (those of the configured regions only, when there are any). On failure the previous ranges stay.
    /// </summary>
    /// <returns>How many prefixes are now in the set.</returns>
    /// <exception cref="HttpRequestException">The download failed or did not answer 2xx.</exception>
    /// <exception cref="JsonException">The document is not JSON of the expected shape.</exception>
    /// <exception cref="FormatException">A prefix is not in CIDR form.</exception>
    public async Task<int> UpdateAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var document = await JsonSerializer.DeserializeAsync<AwsIpRangesDocument>(body, cancellationToken: cancellationToken)
            ?? throw new JsonException("The document is null.");
        if (document.Prefixes is null && document.Ipv6Prefixes is null)
        {
            // An answer without either list is not ip-ranges.json (an error page, a moved document).
            throw new JsonException("The document has neither 'prefixes' nor 'ipv6_prefixes'.");
        }

        var prefixes = new List<string>();
        foreach (var entry in document.Prefixes ?? [])
        {
            Add(prefixes, entry, entry.IpPrefix);
        }

        foreach (var entry in document.Ipv6Prefixes ?? [])
        {
            Add(prefixes, entry, entry.Ipv6Prefix);
        }

        current = IpRangeSet.Parse(prefixes);
        return prefixes.Count;
    }

    public void Dispose() => http.Dispose();

    private void Add(List<string> prefixes, AwsIpPrefix entry, string? prefix)
    {
        if (prefix is not null && (regions.Count == 0 || (entry.Region is not null && regions.Contains(entry.Region))))
        {
            prefixes.Add(prefix);
        }
    }
}
