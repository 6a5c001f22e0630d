using System.Text.RegularExpressions;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>Reads docker-registry's access log (Apache combined format on its stdout, <c>log.accesslog.disabled: false</c>).</summary>
public static partial class AccessLog
{
    /// <summary>The environment that turns docker-registry's access log on.</summary>
    public static IReadOnlyDictionary<string, string?> Enabled { get; } = new Dictionary<string, string?> { ["REGISTRY_LOG_ACCESSLOG_DISABLED"] = "false" };

    /// <summary>GETs of blob <paramref name="digest"/> of <paramref name="repository"/> that were answered 200.</summary>
    public static int BlobGets(string output, string repository, string digest) =>
        Line().Matches(output).Count(m => m.Groups["method"].Value == "GET" && m.Groups["status"].Value == "200"
            && m.Groups["path"].Value == $"/v2/{repository}/blobs/{digest}");

    /// <summary>
    /// Waits (at most 10 s; the log is read from the process's stdout asynchronously) until <paramref name="output"/>
    /// shows at least <paramref name="atLeast"/> such GETs, then returns the count.
    /// </summary>
    public static async Task<int> BlobGetsAsync(Func<string> output, string repository, string digest, int atLeast = 1)
    {
        for (var i = 0; i < 100 && BlobGets(output(), repository, digest) < atLeast; i++)
        {
            await Task.Delay(100);
        }

        return BlobGets(output(), repository, digest);
    }

    [GeneratedRegex("\"(?<method>[A-Z]+) (?<path>/v2/[^ ?\"]+)[^\"]*\" (?<status>\\d{3}) ")]
    private static partial Regex Line();
}
