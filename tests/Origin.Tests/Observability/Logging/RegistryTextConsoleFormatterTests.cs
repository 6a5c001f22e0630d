using EdgeRegistry.Origin.Observability.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Observability.Logging;

public sealed class RegistryTextConsoleFormatterTests
{
    private static readonly Action<ILogger, string, string, Exception?> BlobServed =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1001, "BlobServed"), "Served {Digest} from {Repository}");

    private static readonly Action<ILogger, string, Exception?> Said =
        LoggerMessage.Define<string>(LogLevel.Debug, new EventId(0), "said {Text}");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

    [Fact]
    public void Write_StructuredEntry_WritesTimeLevelCategoryMessageAndFields()
    {
        var logger = CreateLogger();

        BlobServed(logger, "sha256:abc", "library/nginx", null);

        Assert.Equal(
            "2025-01-02T03:04:05.678Z info EdgeRegistry.Origin.Blobs: Served sha256:abc from library/nginx"
            + " instance.id=origin-7f3a service=registry event.id=1001 Digest=sha256:abc Repository=library/nginx"
            + Environment.NewLine,
            logger.Output.ToString());
    }

    [Fact]
    public void Write_ValuesWithSpacesQuotesAndNewlines_StayOnOneLine()
    {
        var logger = CreateLogger();

        Said(logger, "a \"quoted\"\nsecond line", null);

        Assert.Equal(
            "2025-01-02T03:04:05.678Z debug EdgeRegistry.Origin.Blobs: said a \"quoted\"\\nsecond line"
            + " instance.id=origin-7f3a service=registry Text=\"a \\\"quoted\\\"\\nsecond line\""
            + Environment.NewLine,
            logger.Output.ToString());
    }

    [Fact]
    public void Write_Exception_IsAQuotedFieldOnTheSameLine()
    {
        var logger = CreateLogger();

        BlobServed(logger, "sha256:abc", "library/nginx", new IOException("disk full"));

        var text = logger.Output.ToString();
        Assert.Single(text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(" exception=\"System.IO.IOException: disk full\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_MessageFormatterThrows_WritesAFallbackLine()
    {
        var logger = CreateLogger();

        logger.Log(LogLevel.Warning, new EventId(1), "state", null, (_, _) => throw new FormatException("bad template"));

        Assert.Equal(
            "2025-01-02T03:04:05.678Z warn EdgeRegistry.Origin.Blobs: log entry could not be formatted: FormatException instance.id=origin-7f3a"
            + Environment.NewLine,
            logger.Output.ToString());
    }

    private FormattingLogger CreateLogger() => new(
        new RegistryTextConsoleFormatter(new RegistryConsoleFormatterOptions
        {
            InstanceId = "origin-7f3a",
            Fields = new Dictionary<string, string> { ["service"] = "registry" },
            TimeProvider = _clock,
        }),
        "EdgeRegistry.Origin.Blobs");
}
