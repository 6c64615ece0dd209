using System.Diagnostics;
using System.Text;

namespace CriShim.Bench.Host;

/// <summary>Collects a child process's stdout and stderr, so a failure can show what the daemon said.</summary>
public sealed class LogBuffer
{
    private const int MaxChars = 64 * 1024;
    private readonly StringBuilder _text = new();
    private List<string>? _captured;
    private Func<string, bool>? _capture;
    private readonly List<(Func<string, bool> Wanted, TaskCompletionSource Seen)> _waiters = [];

    public void Attach(Process process)
    {
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>From now on, keeps every line <paramref name="wanted"/> accepts, however much else is written.</summary>
    public void StartCapture(Func<string, bool> wanted)
    {
        lock (_text)
        {
            _captured = [];
            _capture = wanted;
        }
    }

    /// <summary>A task that completes with the first line from now on that <paramref name="wanted"/> accepts.</summary>
    public Task NextLine(Func<string, bool> wanted)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            _waiters.Add((wanted, seen));
        }
        return seen.Task;
    }

    /// <summary>The lines kept since <see cref="StartCapture"/>; capturing stops.</summary>
    public IReadOnlyList<string> StopCapture()
    {
        lock (_text)
        {
            var lines = _captured ?? [];
            _captured = null;
            _capture = null;
            return lines;
        }
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
            if (_capture?.Invoke(line) == true)
            {
                _captured!.Add(line);
            }
            _waiters.RemoveAll(w =>
            {
                if (!w.Wanted(line))
                {
                    return false;
                }
                w.Seen.SetResult();
                return true;
            });
            _text.AppendLine(line);
            if (_text.Length > MaxChars)
            {
                _text.Remove(0, _text.Length - MaxChars);
            }
        }
    }
}
