namespace EdgeRegistry.Origin.Configuration;

/// <summary>The values of <c>log.formatter</c>.</summary>
internal enum LogFormat
{
    /// <summary>One line per entry: <c>time level category: message key=value ...</c>.</summary>
    Text,

    /// <summary>One JSON object per line.</summary>
    Json,
}
