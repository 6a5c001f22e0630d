namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The options of the <c>cloudfront</c> storage middleware (seed 3.5.4.5.1; S3 storage only): <c>baseurl</c>,
/// <c>privatekey</c> (PEM path) and <c>keypairid</c> are required; <c>duration</c> of signed URLs (default 20m);
/// <c>ipfilteredby</c> none (default), aws or awsregion, with <c>awsregion</c> (list or comma-separated),
/// <c>updatefrequency</c> (default 12h) and <c>iprangesurl</c> of the AWS IP ranges document.
/// </summary>
internal sealed record CloudFrontMiddlewareOptions
{
    public required Uri BaseUrl { get; init; }

    public required string PrivateKey { get; init; }

    public required string KeyPairId { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>none, aws or awsregion: which clients get a CloudFront URL instead of a direct S3 one.</summary>
    public string IpFilteredBy { get; init; } = "none";

    public IReadOnlyList<string> AwsRegion { get; init; } = [];

    public TimeSpan UpdateFrequency { get; init; } = TimeSpan.FromHours(12);

    public Uri IpRangesUrl { get; init; } = new("https://ip-ranges.amazonaws.com/ip-ranges.json");

    internal static CloudFrontMiddlewareOptions? Bind(ConfigMapping section)
    {
        var baseUrlText = section.String("baseurl");
        Uri? baseUrl = null;
        if (string.IsNullOrEmpty(baseUrlText))
        {
            section.Error("baseurl", "required");
        }
        else if (!Uri.TryCreate(baseUrlText, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            section.Error("baseurl", $"{ConfigurationErrors.Quote(baseUrlText)} is not an absolute http or https URL");
            baseUrl = null;
        }

        var privateKey = section.String("privatekey");
        if (string.IsNullOrEmpty(privateKey))
        {
            section.Error("privatekey", "required");
        }

        var keyPairId = section.String("keypairid");
        if (string.IsNullOrEmpty(keyPairId))
        {
            section.Error("keypairid", "required");
        }

        var duration = section.Duration("duration", TimeSpan.FromMinutes(20), allowZero: false);
        var ipFilteredBy = section.OneOf("ipfilteredby", "none", "none", "aws", "awsregion");
        var awsRegion = section.StringList("awsregion")
            .SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        if (ipFilteredBy == "awsregion" && awsRegion.Count == 0)
        {
            section.Error("awsregion", "required when ipfilteredby is awsregion");
        }

        var updateFrequency = section.Duration("updatefrequency", TimeSpan.FromHours(12), allowZero: false);
        var ipRangesUrl = new Uri("https://ip-ranges.amazonaws.com/ip-ranges.json");
        if (section.String("iprangesurl") is { Length: > 0 } ipRangesText)
        {
            if (Uri.TryCreate(ipRangesText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                ipRangesUrl = parsed;
            }
            else
            {
                section.Error("iprangesurl", $"{ConfigurationErrors.Quote(ipRangesText)} is not an absolute http or https URL");
            }
        }

        section.ReportUnknownKeys();
        if (baseUrl is null || string.IsNullOrEmpty(privateKey) || string.IsNullOrEmpty(keyPairId))
        {
            return null;
        }

        return new CloudFrontMiddlewareOptions
        {
            BaseUrl = baseUrl,
            PrivateKey = privateKey,
            KeyPairId = keyPairId,
            Duration = duration,
            IpFilteredBy = ipFilteredBy,
            AwsRegion = awsRegion,
            UpdateFrequency = updateFrequency,
            IpRangesUrl = ipRangesUrl,
        };
    }
}
