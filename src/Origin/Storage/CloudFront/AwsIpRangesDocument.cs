using System.Text.Json.Serialization;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>
/// The parts of AWS's <c>ip-ranges.json</c> the filter reads: the IPv4 and IPv6 prefix lists
/// (see "AWS IP address ranges" in the AWS general reference). Other fields are ignored.
/// </summary>
internal sealed record AwsIpRangesDocument
{
    [JsonPropertyName("prefixes")]
    public IReadOnlyList<AwsIpPrefix>? Prefixes { get; init; }

    [JsonPropertyName("ipv6_prefixes")]
    public IReadOnlyList<AwsIpPrefix>? Ipv6Prefixes { get; init; }
}
