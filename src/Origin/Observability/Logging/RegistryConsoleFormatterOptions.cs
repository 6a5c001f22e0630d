using Microsoft.Extensions.Logging.Console;

namespace EdgeRegistry.Origin.Observability.Logging;

/// <summary>Options of the registry's console formatters (text and json).</summary>
internal sealed class RegistryConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Written as <c>instance.id</c> on every line: which replica wrote it.</summary>
    public string InstanceId { get; set; } = string.Empty;

    /// <summary><c>log.fields</c>: static fields written on every line.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; set; } = new Dictionary<string, string>();

    /// <summary>The clock of the <c>time</c> field.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
