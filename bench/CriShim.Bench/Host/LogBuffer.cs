using System.Diagnostics;
using System.Text;

namespace CriShim.Bench.Host;

/// <summary>Collects a child process's stdout and stderr, so a failure can show what the daemon said.</summary>
public sealed class LogBuffer
{
    private const int MaxChars = 64 * 1024;
    private readonly StringBuilder _text = new();

    public void Attach(Process process)
    {
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>The last lines written, up to 64 KiB.</summary>
    public string Tail()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_text)
        {
            _text.AppendLine(line);
            if (_text.Length > MaxChars)
            {
                _text.Remove(0, _text.Length - MaxChars);
            }
        }
    }
}
