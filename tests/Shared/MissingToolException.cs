namespace EdgeRegistry.Tests.Shared;

/// <summary>A binary whole-process tests need is not installed on this machine.</summary>
public sealed class MissingToolException(string tool)
    : Exception($"'{tool}' is not installed or not on PATH. Run scripts/test.sh once (as root) to install the test prerequisites, then run the tests again.")
{
    /// <summary>The name of the missing binary.</summary>
    public string Tool { get; } = tool;
}
