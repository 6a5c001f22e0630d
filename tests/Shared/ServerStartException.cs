namespace EdgeRegistry.Tests.Shared;

/// <summary>A server process exited or did not become ready; the message carries its captured output.</summary>
public sealed class ServerStartException(string message, string output, bool addressInUse)
    : Exception($"{message}{Environment.NewLine}--- captured output ---{Environment.NewLine}{output}")
{
    /// <summary>Everything the process printed.</summary>
    public string Output { get; } = output;

    /// <summary>True when the output says the listen address was taken (the caller may retry on another port).</summary>
    public bool AddressInUse { get; } = addressInUse;
}
