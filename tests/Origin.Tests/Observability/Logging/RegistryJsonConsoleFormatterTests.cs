using System.Text.Json;
using EdgeRegistry.Origin.Observability.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Observability.Logging;

public sealed class RegistryJsonConsoleFormatterTests
{
    private static readonly Action<ILogger, string, string, Exception?> BlobServed =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1001, "BlobServed"), "Served {Digest} from {Repository}");

    private static readonly Action<ILogger, long, bool, Exception?> UploadFinished =
        LoggerMessage.Define<long, bool>(LogLevel.Warning, new EventId(1002, "UploadFinished"), "Upload of {Size} bytes, verified {Verified}");

    private static readonly Action<ILogger, object, Exception?> Odd =
        LoggerMessage.Define<object>(LogLevel.Error, new EventId(1003, "Odd"), "Odd {Value}");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

    [Fact]
    public void Write_StructuredEntry_WritesHeaderInstanceIdFieldsAndNamedState()
    {
        var logger = CreateLogger();

        BlobServed(logger, "sha256:abc", "library/nginx", null);

        var line = SingleLine(logger);
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(
            ["time", "level", "msg", "category", "instance.id", "service", "environment", "event.id", "Digest", "Repository"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2025-01-02T03:04:05.678Z", json.GetProperty("time").GetString());
        Assert.Equal("info", json.GetProperty("level").GetString());
        Assert.Equal("Served sha256:abc from library/nginx", json.GetProperty("msg").GetString());
        Assert.Equal("EdgeRegistry.Origin.Blobs", json.GetProperty("category").GetString());
        Assert.Equal("origin-7f3a", json.GetProperty("instance.id").GetString());
        Assert.Equal("registry", json.GetProperty("service").GetString());
        Assert.Equal("staging", json.GetProperty("environment").GetString());
        Assert.Equal(1001, json.GetProperty("event.id").GetInt32());
        Assert.Equal("sha256:abc", json.GetProperty("Digest").GetString());
        Assert.Equal("library/nginx", json.GetProperty("Repository").GetString());
    }

    [Fact]
    public void Write_NumbersAndBooleans_KeepTheirJsonTypes()
    {
        var logger = CreateLogger();

        UploadFinished(logger, 5_242_880, true, null);

        var json = JsonDocument.Parse(SingleLine(logger)).RootElement;
        Assert.Equal("warn", json.GetProperty("level").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("Size").ValueKind);
        Assert.Equal(5_242_880, json.GetProperty("Size").GetInt64());
        Assert.Equal(JsonValueKind.True, json.GetProperty("Verified").ValueKind);
    }

    [Fact]
    public void Write_Exception_WritesItLast()
    {
        var logger = CreateLogger();
        var failure = new IOException("disk full");

        BlobServed(logger, "sha256:abc", "library/nginx", failure);

        var json = JsonDocument.Parse(SingleLine(logger)).RootElement;
        Assert.Equal("exception", json.EnumerateObject().Last().Name);
        Assert.Contains("System.IO.IOException: disk full", json.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_InsideScopes_AddsTheirNamedValuesAndUnnamedScopes()
    {
        var logger = CreateLogger();

        using (logger.BeginScope(new Dictionary<string, object?> { ["RequestId"] = "0HN1", ["RequestPath"] = "/v2/" }))
        using (logger.BeginScope("upload session 42"))
        {
            BlobServed(logger, "sha256:abc", "library/nginx", null);
        }

        var json = JsonDocument.Parse(SingleLine(logger)).RootElement;
        Assert.Equal("0HN1", json.GetProperty("RequestId").GetString());
        Assert.Equal("/v2/", json.GetProperty("RequestPath").GetString());
        Assert.Equal(["upload session 42"], json.GetProperty("scope").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Write_StateNamesCollideWithHeaderOrInstanceId_WritesEachNameOnce()
    {
        var logger = CreateLogger();
        var collide = LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1004), "{msg} {instance.id}");

        collide(logger, "mine", "spoofed", null);

        var json = JsonDocument.Parse(SingleLine(logger)).RootElement;
        var names = json.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Equal("origin-7f3a", json.GetProperty("instance.id").GetString());
        Assert.Equal("mine spoofed", json.GetProperty("msg").GetString());
    }

    [Fact]
    public void Write_ValueWhoseToStringThrows_StillWritesTheLine()
    {
        var logger = CreateLogger();
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(
            LogLevel.Error,
            "EdgeRegistry.Origin.Blobs",
            new EventId(1003),
            [new("Value", new ThrowingToString()), new("Repository", "library/nginx")],
            null,
            (_, _) => "odd value");

        new RegistryJsonConsoleFormatter(Options()).Write(entry, null, logger.Output);

        var json = JsonDocument.Parse(SingleLine(logger)).RootElement;
        Assert.Equal("odd value", json.GetProperty("msg").GetString());
        Assert.StartsWith("<unformattable ThrowingToString", json.GetProperty("Value").GetString(), StringComparison.Ordinal);
        Assert.Equal("library/nginx", json.GetProperty("Repository").GetString());
    }

    [Fact]
    public void Write_MessageFormatterThrows_WritesAFallbackLineWithInstanceId()
    {
        var logger = CreateLogger();

        Odd(logger, new ThrowingToString(), null);

        var json = JsonDocument.Parse(SingleLine(logger)).RootElement;
        Assert.Equal("error", json.GetProperty("level").GetString());
        Assert.Equal("log entry could not be formatted: InvalidOperationException", json.GetProperty("msg").GetString());
        Assert.Equal("origin-7f3a", json.GetProperty("instance.id").GetString());
    }

    [Fact]
    public void Write_BrokenWriter_DoesNotThrow()
    {
        var formatter = new RegistryJsonConsoleFormatter(Options());
        var entry = new LogEntry<string>(LogLevel.Information, "c", default, "state", null, (s, _) => s);

        var thrown = Record.Exception(() => formatter.Write(entry, null, new BrokenWriter()));

        Assert.Null(thrown);
    }

    private RegistryConsoleFormatterOptions Options() => new()
    {
        InstanceId = "origin-7f3a",
        Fields = new Dictionary<string, string> { ["service"] = "registry", ["environment"] = "staging" },
        IncludeScopes = true,
        TimeProvider = _clock,
    };

    private FormattingLogger CreateLogger() => new(new RegistryJsonConsoleFormatter(Options()), "EdgeRegistry.Origin.Blobs");

    private static string SingleLine(FormattingLogger logger)
    {
        var text = logger.Output.ToString();
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        var lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text for you");
    }

    private sealed class BrokenWriter : StringWriter
    {
        public override void Write(string? value) => throw new ObjectDisposedException("console");
    }
}
