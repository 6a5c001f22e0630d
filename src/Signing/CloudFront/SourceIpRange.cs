using System.Globalization;

namespace EdgeRegistry.Signing.CloudFront;

/// <summary>
/// Validates the <c>AWS:SourceIp</c> value of a custom policy: an IPv4 address in dotted-decimal form
/// with an optional prefix length (<c>192.0.2.10</c>, <c>192.0.2.0/24</c>).
/// </summary>
/// <remarks>
/// CloudFront compares <c>IpAddress</c> conditions against IPv4 viewers only (its guide says not to
/// enable IPv6 on a distribution whose signed URLs restrict by IP), so an IPv6 range is refused here
/// rather than producing URLs that CloudFront would never honour.
/// </remarks>
internal static class SourceIpRange
{
    /// <summary>
    /// Returns the range in CloudFront's form, <c>a.b.c.d/n</c>: a missing prefix length becomes
    /// <c>/32</c> (as AWS's SDKs do) and octets lose leading zeros.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not an IPv4 address or CIDR range.</exception>
    public static string Normalize(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        var slash = value.IndexOf('/');
        var address = slash < 0 ? value : value[..slash];
        var prefix = slash < 0 ? "32" : value[(slash + 1)..];

        if (address.Contains(':'))
        {
            throw Invalid(value, paramName, "CloudFront's IpAddress condition takes IPv4 ranges only");
        }

        var octets = address.Split('.');
        if (octets.Length != 4)
        {
            throw Invalid(value, paramName, "the address must have four dot-separated octets");
        }

        var normalized = new int[4];
        for (var i = 0; i < 4; i++)
        {
            if (!TryParseDecimal(octets[i], 3, out normalized[i]) || normalized[i] > 255)
            {
                throw Invalid(value, paramName, $"octet '{octets[i]}' is not a number from 0 to 255");
            }
        }

        if (!TryParseDecimal(prefix, 2, out var prefixLength) || prefixLength > 32)
        {
            throw Invalid(value, paramName, $"prefix length '{prefix}' is not a number from 0 to 32");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{normalized[0]}.{normalized[1]}.{normalized[2]}.{normalized[3]}/{prefixLength}");
    }

    // Only ASCII digits: int.TryParse would also take signs, spaces and other digit scripts.
    private static bool TryParseDecimal(string text, int maxDigits, out int result)
    {
        result = 0;
        if (text.Length == 0 || text.Length > maxDigits)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            result = (result * 10) + (c - '0');
        }

        return true;
    }

    private static ArgumentException Invalid(string value, string paramName, string reason) =>
        new($"'{value}' is not a valid source IP range for a CloudFront policy: {reason} (expected a CIDR such as 192.0.2.0/24).", paramName);
}
