using System.Text.Json.Serialization;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>One entry of <c>prefixes</c> (with <c>ip_prefix</c>) or <c>ipv6_prefixes</c> (with <c>ipv6_prefix</c>) in <c>ip-ranges.json</c>.</summary>
internal sealed record AwsIpPrefix
{
    [JsonPropertyName("ip_prefix")]
    public string? IpPrefix { get; init; }

    [JsonPropertyName("ipv6_prefix")]
    public string? Ipv6Prefix { get; init; }

    /// <summary>The AWS region (<c>us-east-1</c>), or <c>GLOBAL</c>.</summary>
    [JsonPropertyName("region")]
    public string? Region { get; init; }
}
