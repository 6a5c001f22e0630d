using System.Globalization;
using System.Text;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// The table <c>oc get imagestreams</c> prints (seed 3.4.2): <c>NAME  DOCKER REPO  TAGS  UPDATED</c>, columns
/// laid out as Kubernetes' printer does (Go tabwriter: minimum width 10, padding 3), tags joined by commas,
/// the last update as Docker's human duration ("2 seconds ago").
/// </summary>
internal static class ImageStreamTable
{
    private const int MinWidth = 10;
    private const int Padding = 3;

    public static string Format(IReadOnlyList<ImageStream> streams, DateTimeOffset now)
    {
        var rows = new List<string[]> { new[] { "NAME", "DOCKER REPO", "TAGS", "UPDATED" } };
        rows.AddRange(streams.Select(stream => new[]
        {
            stream.Name,
            stream.DockerImageRepository,
            string.Join(',', stream.Tags.Select(tag => tag.Tag)),
            stream.Updated is { } updated ? HumanDuration(now - updated) + " ago" : string.Empty,
        }));
        return FormatRows(rows);
    }

    /// <summary>Lays out rows as Go's tabwriter(minwidth 10, padding 3): every column but the last padded to its widest cell plus 3.</summary>
    public static string FormatRows(IReadOnlyList<string[]> rows)
    {
        var columns = rows.Max(row => row.Length);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], Math.Max(MinWidth, row[i].Length + Padding));
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Docker's <c>units.HumanDuration</c>: "Less than a second", "1 second", "5 minutes", "About an hour", "3 days"...</summary>
    public static string HumanDuration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds < 1)
        {
            return "Less than a second";
        }

        if (seconds == 1)
        {
            return "1 second";
        }

        if (seconds < 60)
        {
            return Invariant($"{seconds} seconds");
        }

        var minutes = (long)duration.TotalMinutes;
        if (minutes == 1)
        {
            return "About a minute";
        }

        if (minutes < 60)
        {
            return Invariant($"{minutes} minutes");
        }

        var hours = (long)(duration.TotalHours + 0.5);
        if (hours == 1)
        {
            return "About an hour";
        }

        if (hours < 48)
        {
            return Invariant($"{hours} hours");
        }

        if (hours < 24 * 7 * 2)
        {
            return Invariant($"{hours / 24} days");
        }

        if (hours < 24 * 30 * 2)
        {
            return Invariant($"{hours / 24 / 7} weeks");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24 / 30} months");
        }

        return Invariant($"{(long)duration.TotalHours / 24 / 365} years");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
