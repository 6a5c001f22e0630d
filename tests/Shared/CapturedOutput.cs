using System.Text;

namespace EdgeRegistry.Tests.Shared;

/// <summary>A thread-safe, append-only buffer of a child process's stdout and stderr lines.</summary>
public sealed class CapturedOutput
{
    private readonly StringBuilder _buffer = new();
    private readonly Lock _gate = new();

    /// <summary>Appends one line; null (end of stream) is ignored.</summary>
    public void AppendLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _buffer.AppendLine(line);
        }
    }

    /// <summary>Everything captured so far.</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            return _buffer.ToString();
        }
    }
}
