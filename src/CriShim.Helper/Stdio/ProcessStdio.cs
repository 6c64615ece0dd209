using CriShim.Native;
using CriShim.Contract;
using CriShim.Contract.Stdio;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Stdio;

/// <summary>
/// The stdio of a container or an interactive exec as its parent (monitor, exec-stream) owns it: pipes
/// for stdout and stderr (one pseudo-terminal for all three with <c>tty</c>), and with <c>stdin</c> a
/// stdin pipe whose write end the parent keeps for attached clients; /dev/null otherwise.
/// </summary>
internal sealed class ProcessStdio : IDisposable
{
    private readonly List<SafeFileHandle> _childEnds = [];
    private readonly List<SafeFileHandle> _parentEnds = [];
    private readonly Lock _lock = new();
    private SafeFileHandle? _stdin;
    private SafeFileHandle? _terminal;

    private ProcessStdio()
    {
    }

    /// <summary>With a tty: stdin, stdout and stderr are one pseudo-terminal.</summary>
    public bool IsTerminal { get; private init; }

    /// <summary>fd 0, 1, 2 of the process.</summary>
    public Dictionary<int, SafeFileHandle> ChildDescriptors { get; } = [];

    /// <summary>What to read the process's output from: its CRI stream name and relay channel.</summary>
    public List<(string Stream, StdioChannel Channel, SafeFileHandle Source)> Outputs { get; } = [];

    public static ProcessStdio Create(ProcessSpec process)
    {
        var stdio = new ProcessStdio { IsTerminal = process.Tty };
        if (process.Tty)
        {
            var terminal = PseudoTerminal.Open();
            stdio._childEnds.Add(terminal.Slave);
            stdio._parentEnds.Add(terminal.Master);
            for (var fd = 0; fd < 3; fd++)
            {
                stdio.ChildDescriptors[fd] = terminal.Slave;
            }
            stdio.Outputs.Add(("stdout", StdioChannel.Stdout, terminal.Master));
            stdio._terminal = terminal.Master;
            stdio._stdin = process.Stdin ? terminal.Master : null;
            return stdio;
        }
        if (process.Stdin)
        {
            var (read, write) = Descriptors.CreatePipe();
            stdio.Keep(child: read, parent: write);
            stdio.ChildDescriptors[0] = read;
            stdio._stdin = write;
        }
        else
        {
            var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
            stdio._childEnds.Add(devNull);
            stdio.ChildDescriptors[0] = devNull;
        }
        foreach (var (fd, stream, channel) in new[] { (1, "stdout", StdioChannel.Stdout), (2, "stderr", StdioChannel.Stderr) })
        {
            var (read, write) = Descriptors.CreatePipe();
            stdio.Keep(child: write, parent: read);
            stdio.ChildDescriptors[fd] = write;
            stdio.Outputs.Add((stream, channel, read));
        }
        return stdio;
    }

    /// <summary>After the spawn: only the process may hold its ends, or the parent never sees end of file.</summary>
    public void CloseChildEnds()
    {
        foreach (var handle in _childEnds)
        {
            handle.Dispose();
        }
    }

    /// <summary>Forwards a client's input; dropped without stdin, after <see cref="CloseStdin"/>, or once the process stopped reading.</summary>
    public void WriteStdin(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (_stdin is null)
            {
                return;
            }
            try
            {
                Descriptors.WriteAll((int)_stdin.DangerousGetHandle(), data);
            }
            catch (ErrnoException)
            {
                // EPIPE: nobody reads stdin any more; the client learns when the process exits.
            }
        }
    }

    /// <summary>
    /// The process sees end of file on stdin. Only a pipe can be closed: a terminal's master also carries
    /// the output, so with a tty this does nothing (containerd keeps a tty's stdin open as well).
    /// </summary>
    public void CloseStdin()
    {
        lock (_lock)
        {
            if (_stdin is not null && _stdin != _terminal)
            {
                _stdin.Dispose();
            }
            _stdin = null;
        }
    }

    /// <summary>Sets the terminal size; ignored without a tty and once disposed.</summary>
    public void Resize(ushort columns, ushort rows)
    {
        lock (_lock)
        {
            if (_terminal is not null && columns > 0 && rows > 0)
            {
                PseudoTerminal.Resize(_terminal, columns, rows);
            }
        }
    }

    public void Dispose()
    {
        CloseChildEnds();
        lock (_lock)
        {
            // Clients may still send input or sizes: they find nothing to write to.
            _stdin = null;
            _terminal = null;
        }
        foreach (var handle in _parentEnds)
        {
            handle.Dispose();
        }
    }

    private void Keep(SafeFileHandle child, SafeFileHandle parent)
    {
        _childEnds.Add(child);
        _parentEnds.Add(parent);
    }
}
