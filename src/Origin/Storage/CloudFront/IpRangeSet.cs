using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>
/// An immutable set of IPv4 and IPv6 networks in CIDR form. The prefixes are kept as sorted, merged
/// address intervals, so membership costs one binary search however many thousand prefixes AWS publishes.
/// </summary>
internal sealed class IpRangeSet
{
    private readonly Interval[] v4;
    private readonly Interval[] v6;

    private IpRangeSet(Interval[] v4, Interval[] v6)
    {
        this.v4 = v4;
        this.v6 = v6;
    }

    /// <summary>The set that contains no address.</summary>
    public static IpRangeSet Empty { get; } = new([], []);

    /// <summary>How many disjoint intervals remain after merging (0 for <see cref="Empty"/>).</summary>
    public int IntervalCount => v4.Length + v6.Length;

    /// <summary>Builds the set from CIDR prefixes (<c>3.5.140.0/22</c>, <c>2600:1f14::/35</c>).</summary>
    /// <exception cref="FormatException">A prefix is not an IP address followed by <c>/</c> and a prefix length that fits it.</exception>
    public static IpRangeSet Parse(IEnumerable<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var v4 = new List<Interval>();
        var v6 = new List<Interval>();
        foreach (var prefix in prefixes)
        {
            var (interval, isV4) = ParsePrefix(prefix);
            (isV4 ? v4 : v6).Add(interval);
        }

        return new IpRangeSet(Merge(v4), Merge(v6));
    }

    /// <summary>
    /// Whether <paramref name="address"/> lies in one of the networks. An IPv4-mapped IPv6 address
    /// (<c>::ffff:192.0.2.1</c>, as a dual-stack socket reports IPv4 peers) is looked up as IPv4.
    /// </summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => Search(v4, ToNumber(address)),
            AddressFamily.InterNetworkV6 => Search(v6, ToNumber(address)),
            _ => false,
        };
    }

    private static (Interval Interval, bool IsV4) ParsePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var slash = prefix.IndexOf('/');
        if (slash < 0
            || !IPAddress.TryParse(prefix.AsSpan(0, slash), out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || !int.TryParse(prefix.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw new FormatException($"'{prefix}' is not a CIDR prefix such as 192.0.2.0/24 or 2001:db8::/32.");
        }

        var isV4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (isV4 && !prefix.AsSpan(0, slash).SequenceEqual(address.ToString()))
        {
            // IPAddress also reads inet_aton's short and octal forms (10.1 is 10.0.0.1); a range list uses dotted quads.
            throw new FormatException($"'{prefix}' does not start with an IPv4 address in dotted-decimal form.");
        }

        var width = isV4 ? 32 : 128;
        if (length > width)
        {
            throw new FormatException($"'{prefix}' has a prefix length above {width}.");
        }

        var hostBits = width - length;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var first = ToNumber(address) & ~hostMask;
        return (new Interval(first, first | hostMask), isV4);
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static Interval[] Merge(List<Interval> intervals)
    {
        intervals.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<Interval>(intervals.Count);
        foreach (var interval in intervals)
        {
            // Adjacent intervals merge too: Last + 1 == First (Last is never MaxValue unless it covers everything).
            if (merged.Count > 0 && (merged[^1].Last == UInt128.MaxValue || merged[^1].Last + 1 >= interval.First))
            {
                if (interval.Last > merged[^1].Last)
                {
                    merged[^1] = merged[^1] with { Last = interval.Last };
                }
            }
            else
            {
                merged.Add(interval);
            }
        }

        return [.. merged];
    }

    // The last interval starting at or before the address is the only one that can hold it.
    private static bool Search(Interval[] intervals, UInt128 value)
    {
        int low = 0, high = intervals.Length - 1, candidate = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (intervals[middle].First <= value)
            {
                candidate = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return candidate >= 0 && intervals[candidate].Last >= value;
    }

    private readonly record struct Interval(UInt128 First, UInt128 Last);
}
