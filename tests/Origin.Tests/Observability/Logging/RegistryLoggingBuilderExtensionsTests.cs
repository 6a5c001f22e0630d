using System.Text.Json;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Observability.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Observability.Logging;

public sealed class RegistryLoggingBuilderExtensionsTests
{
    [Theory]
    [InlineData("Error", LogLevel.Warning, LogLevel.Error)]
    [InlineData("Warn", LogLevel.Information, LogLevel.Warning)]
    [InlineData("Info", LogLevel.Debug, LogLevel.Information)]
    [InlineData("Debug", LogLevel.Trace, LogLevel.Debug)]
    public void AddRegistryLogging_Level_SetsTheMinimum(string level, LogLevel disabled, LogLevel enabled)
    {
        using var services = Build(new LogOptions { Level = Enum.Parse<RegistryLogLevel>(level) });

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeRegistry.Origin.Test");

        Assert.False(logger.IsEnabled(disabled));
        Assert.True(logger.IsEnabled(enabled));
    }

    [Theory]
    [InlineData("Json", RegistryJsonConsoleFormatter.FormatterName)]
    [InlineData("Text", RegistryTextConsoleFormatter.FormatterName)]
    public void AddRegistryLogging_Formatter_SelectsTheRegistryFormatter(string format, string expected)
    {
        using var services = Build(new LogOptions { Formatter = Enum.Parse<LogFormat>(format) });

        Assert.Equal(expected, services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        Assert.Contains(services.GetServices<ConsoleFormatter>(), f => f.Name == expected);
    }

    [Fact]
    public void AddRegistryLogging_OtherProviders_AreRemoved()
    {
        var services = new ServiceCollection()
            .AddLogging(builder =>
            {
                builder.AddProvider(NullLoggerProvider.Instance);
                builder.AddRegistryLogging(new LogOptions(), "origin-1");
            })
            .BuildServiceProvider();
        using (services)
        {
            Assert.IsType<ConsoleLoggerProvider>(Assert.Single(services.GetServices<ILoggerProvider>()));
        }
    }

    [Fact]
    public void AddRegistryLogging_Json_FormatsWithInstanceIdFieldsAndRegisteredClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new LogOptions
        {
            Formatter = LogFormat.Json,
            Fields = new Dictionary<string, string> { ["service"] = "registry" },
        };
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddLogging(builder => builder.AddRegistryLogging(options, "origin-42"))
            .BuildServiceProvider();
        using (services)
        {
            var formatter = services.GetServices<ConsoleFormatter>().Single(f => f.Name == RegistryJsonConsoleFormatter.FormatterName);
            var output = new StringWriter();
            var scopes = new LoggerExternalScopeProvider();

            using (scopes.Push(new Dictionary<string, object?> { ["TraceId"] = "abc123" }))
            {
                formatter.Write(new LogEntry<string>(LogLevel.Information, "c", default, "hello", null, (s, _) => s), scopes, output);
            }

            var json = JsonDocument.Parse(output.ToString()).RootElement;
            Assert.Equal("2025-06-01T12:00:00.000Z", json.GetProperty("time").GetString());
            Assert.Equal("origin-42", json.GetProperty("instance.id").GetString());
            Assert.Equal("registry", json.GetProperty("service").GetString());
            Assert.Equal("abc123", json.GetProperty("TraceId").GetString());
            Assert.Equal("hello", json.GetProperty("msg").GetString());
        }
    }

    private static ServiceProvider Build(LogOptions options)
        => new ServiceCollection()
            .AddLogging(builder => builder.AddRegistryLogging(options, "origin-1"))
            .BuildServiceProvider();
}
