namespace EdgeRegistry.Origin.Cli;

/// <summary>A command line that cannot be run as given; the message says why (exit code 2).</summary>
internal sealed class AdminUsageException(string message) : Exception(message);
