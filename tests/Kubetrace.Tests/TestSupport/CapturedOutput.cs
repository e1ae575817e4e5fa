using System.Text;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// One output stream of the child process, kept for assertions and failure messages. Bounded, because a server
/// that logs in a loop must fail its test, not exhaust the test runner's memory.
/// </summary>
internal sealed class CapturedOutput
{
    private const int MaxChars = 16 * 1024 * 1024;
    private readonly StringBuilder _text = new();
    private bool _truncated;

    public void Append(string? line)
    {
        if (line is null) return;
        lock (_text)
        {
            if (_text.Length + line.Length + 1 > MaxChars)
            {
                _truncated = true;
                return;
            }
            _text.Append(line).Append('\n');
        }
    }

    public string Text
    {
        get
        {
            lock (_text) return _truncated ? _text + "[output truncated]\n" : _text.ToString();
        }
    }
}
