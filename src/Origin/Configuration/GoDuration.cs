using System.Globalization;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Durations in Go's <c>time.ParseDuration</c> syntax, which distribution's <c>config.yml</c> uses:
/// a sequence of decimal numbers with a unit each (<c>ns</c>, <c>us</c>/<c>µs</c>, <c>ms</c>, <c>s</c>,
/// <c>m</c>, <c>h</c>), an optional leading sign, and the bare <c>0</c>. Examples: <c>168h</c>,
/// <c>300ms</c>, <c>1h30m</c>, <c>1.5h</c>. Precision is .NET's tick (100 ns): finer parts are truncated.
/// </summary>
internal static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>; false (and <see cref="TimeSpan.Zero"/>) when it is not a Go duration or does not fit a <see cref="TimeSpan"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span is "0")
        {
            return true;
        }

        if (span.IsEmpty)
        {
            return false;
        }

        try
        {
            return TryParseElements(span, negative, out duration);
        }
        catch (OverflowException)
        {
            // More digits than decimal holds: far beyond any TimeSpan.
            return false;
        }
    }

    private static bool TryParseElements(ReadOnlySpan<char> span, bool negative, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        decimal totalNanoseconds = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            var digits = 0;
            var seenDot = false;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || (span[numberLength] == '.' && !seenDot)))
            {
                if (span[numberLength] == '.')
                {
                    seenDot = true;
                }
                else
                {
                    digits++;
                }

                numberLength++;
            }

            // Go requires at least one digit around the dot and a unit after every number.
            if (digits == 0)
            {
                return false;
            }

            var unitLength = 0;
            while (numberLength + unitLength < span.Length && !char.IsAsciiDigit(span[numberLength + unitLength]) && span[numberLength + unitLength] != '.')
            {
                unitLength++;
            }

            var unitNanoseconds = UnitNanoseconds(span.Slice(numberLength, unitLength));
            if (unitNanoseconds == 0)
            {
                return false;
            }

            var number = span[..numberLength];
            if (number[^1] == '.')
            {
                number = number[..^1];
            }

            if (number[0] == '.')
            {
                // "0" prefix so decimal parsing accepts ".5h" as Go does.
                if (!decimal.TryParse("0" + number.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var fraction))
                {
                    return false;
                }

                totalNanoseconds += fraction * unitNanoseconds;
            }
            else
            {
                if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                {
                    return false;
                }

                totalNanoseconds += value * unitNanoseconds;
            }

            if (totalNanoseconds / 100 > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            span = span[(numberLength + unitLength)..];
        }

        var ticks = (long)decimal.Truncate(totalNanoseconds / 100);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    private static decimal UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "\u00b5s" or "\u03bcs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
