using System.Globalization;
using System.Text;

namespace EdgeRegistry.Signing.CloudFront;

/// <summary>
/// A CloudFront custom policy with one statement: the resource it covers and its conditions.
/// Each property is validated when it is set, so an invalid policy cannot be built.
/// </summary>
/// <remarks>
/// CloudFront counts time in whole Unix seconds; both dates are truncated to the second when the
/// policy is written. See "Create a signed URL using a custom policy" in the CloudFront developer guide.
/// </remarks>
public sealed record CloudFrontPolicy
{
    private readonly string resource = string.Empty;
    private readonly DateTimeOffset dateLessThan;
    private readonly DateTimeOffset? dateGreaterThan;
    private readonly string? sourceIp;

    /// <summary>Creates a policy covering <paramref name="resource"/> until <paramref name="dateLessThan"/>.</summary>
    /// <param name="resource">
    /// The URL, or a pattern where <c>*</c> matches any run of characters and <c>?</c> exactly one
    /// (for example <c>https://d111111abcdef8.cloudfront.net/blobs/*</c>).
    /// </param>
    /// <param name="dateLessThan">The instant from which the URL is refused (exclusive bound).</param>
    /// <exception cref="ArgumentException">The resource is empty or not printable ASCII without spaces.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The date is not after the Unix epoch.</exception>
    public CloudFrontPolicy(string resource, DateTimeOffset dateLessThan)
    {
        Resource = resource;
        DateLessThan = dateLessThan;
    }

    /// <summary>
    /// The URL or URL pattern the policy covers: printable ASCII without spaces, so non-ASCII
    /// characters must already be percent-encoded. <c>*</c> and <c>?</c> are wildcards.
    /// </summary>
    public string Resource
    {
        get => resource;
        init => resource = ValidateResource(value);
    }

    /// <summary>The <c>DateLessThan</c> condition: the URL is valid only before this instant.</summary>
    public DateTimeOffset DateLessThan
    {
        get => dateLessThan;
        init => dateLessThan = ValidateDate(value, nameof(DateLessThan));
    }

    /// <summary>The optional <c>DateGreaterThan</c> condition: the URL is valid only after this instant.</summary>
    public DateTimeOffset? DateGreaterThan
    {
        get => dateGreaterThan;
        init => dateGreaterThan = value is { } date ? ValidateDate(date, nameof(DateGreaterThan)) : null;
    }

    /// <summary>
    /// The optional <c>IpAddress</c> condition: the IPv4 address or CIDR range the viewer must come from.
    /// Stored normalized (<c>192.0.2.7</c> becomes <c>192.0.2.7/32</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The value is not an IPv4 address or CIDR range.</exception>
    public string? SourceIp
    {
        get => sourceIp;
        init => sourceIp = value is null ? null : SourceIpRange.Normalize(value, nameof(SourceIp));
    }

    /// <summary>
    /// The policy statement exactly as it is signed and sent: JSON without whitespace, keys in the order
    /// AWS's JavaScript SDK (<c>@aws-sdk/cloudfront-signer</c>) writes them:
    /// <c>{"Statement":[{"Resource":…,"Condition":{"DateLessThan":…,"DateGreaterThan":…,"IpAddress":…}}]}</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="DateGreaterThan"/> is not before <see cref="DateLessThan"/>.</exception>
    public string ToJson()
    {
        var lessThan = DateLessThan.ToUnixTimeSeconds();
        var greaterThan = DateGreaterThan?.ToUnixTimeSeconds();
        if (greaterThan >= lessThan)
        {
            throw new ArgumentException(
                $"The policy's DateGreaterThan ({DateGreaterThan:O}) must be earlier than its DateLessThan ({DateLessThan:O}) by at least a second.");
        }

        var json = new StringBuilder(160);
        json.Append("{\"Statement\":[{\"Resource\":");
        AppendJsonString(json, Resource);
        json.Append(",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":")
            .Append(lessThan.ToString(CultureInfo.InvariantCulture))
            .Append('}');
        if (greaterThan is { } start)
        {
            json.Append(",\"DateGreaterThan\":{\"AWS:EpochTime\":")
                .Append(start.ToString(CultureInfo.InvariantCulture))
                .Append('}');
        }

        if (SourceIp is { } range)
        {
            json.Append(",\"IpAddress\":{\"AWS:SourceIp\":");
            AppendJsonString(json, range);
            json.Append('}');
        }

        json.Append("}}]}");
        return json.ToString();
    }

    /// <summary>
    /// Whether <paramref name="url"/> falls under <see cref="Resource"/>, with CloudFront's wildcards:
    /// <c>*</c> matches zero or more characters and <c>?</c> exactly one.
    /// </summary>
    internal bool Covers(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var pattern = Resource;
        int p = 0, u = 0, starAt = -1, resumeAt = 0;
        while (u < url.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == url[u]))
            {
                p++;
                u++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                // Remember the star and first let it match nothing; backtrack to grow it on a mismatch.
                starAt = p++;
                resumeAt = u;
            }
            else if (starAt >= 0)
            {
                p = starAt + 1;
                u = ++resumeAt;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static string ValidateResource(string value)
    {
        ArgumentNullException.ThrowIfNull(value, nameof(Resource));
        if (value.Length == 0)
        {
            throw new ArgumentException("A CloudFront policy's resource must not be empty.", nameof(Resource));
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                throw new ArgumentException(
                    $"A CloudFront policy's resource must be printable ASCII without spaces (percent-encode other characters); '{value}' is not.",
                    nameof(Resource));
            }
        }

        return value;
    }

    private static DateTimeOffset ValidateDate(DateTimeOffset value, string paramName)
    {
        if (value.ToUnixTimeSeconds() <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "A CloudFront policy date must be after the Unix epoch.");
        }

        return value;
    }

    // The resource is printable ASCII, so only the two characters JSON reserves need escaping;
    // this matches JSON.stringify, which the JavaScript SDK uses.
    private static void AppendJsonString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                json.Append('\\');
            }

            json.Append(c);
        }

        json.Append('"');
    }
}
