namespace EdgeRegistry.Origin.Cli;

/// <summary>A command that was understood but cannot be done (no such user, project exists...); the message says why (exit code 1).</summary>
internal sealed class AdminFailureException(string message) : Exception(message);
