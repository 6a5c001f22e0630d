using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EdgeRegistry.Origin.Tests.Observability.Logging;

/// <summary>A logger that hands every entry to one console formatter and keeps what it writes.</summary>
internal sealed class FormattingLogger(ConsoleFormatter formatter, string category) : ILogger
{
    public LoggerExternalScopeProvider Scopes { get; } = new();

    public StringWriter Output { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => Scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
        => formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), Scopes, Output);
}
