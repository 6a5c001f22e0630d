using System.Globalization;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>Reads samples out of a Prometheus text exposition.</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of every sample of <paramref name="name"/> (a bare name, or <c>name{labels}</c> for one exact
    /// sample) whose labels include all of <paramref name="labels"/> (<c>key="value"</c> each); 0 when none.
    /// </summary>
    public static double Sum(string exposition, string name, IReadOnlyList<string> labels)
    {
        var sum = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            if (line.StartsWith('#') || space < 0)
            {
                continue;
            }

            var series = line[..space];
            var metric = series.Split('{')[0];
            var matches = name.Contains('{') ? series == name : metric == name && labels.All(label => series.Contains(label, StringComparison.Ordinal));
            if (matches)
            {
                sum += double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
