using CriShim.Native;
using CriShim.Native.Protocol;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Monitor;

/// <summary>
/// The container's stdio as the monitor owns it: pipes for stdout and stderr (one pseudo-terminal for
/// all three with <c>tty</c>), and a stdin pipe whose write end the monitor keeps open for a later attach.
/// </summary>
internal sealed class ContainerStdio : IDisposable
{
    private readonly List<SafeFileHandle> _childEnds = [];
    private readonly List<SafeFileHandle> _monitorEnds = [];

    private ContainerStdio()
    {
    }

    /// <summary>fd 0, 1, 2 of the container's init stage.</summary>
    public Dictionary<int, SafeFileHandle> ChildDescriptors { get; } = [];

    /// <summary>The streams to log, by CRI stream name.</summary>
    public List<(string Stream, SafeFileHandle Source)> Outputs { get; } = [];

    public static ContainerStdio Create(ProcessSpec process)
    {
        var stdio = new ContainerStdio();
        if (process.Tty)
        {
            var terminal = PseudoTerminal.Open();
            stdio._childEnds.Add(terminal.Slave);
            stdio._monitorEnds.Add(terminal.Master);
            for (var fd = 0; fd < 3; fd++)
            {
                stdio.ChildDescriptors[fd] = terminal.Slave;
            }
            stdio.Outputs.Add(("stdout", terminal.Master));
            return stdio;
        }
        if (process.Stdin)
        {
            var (read, write) = Descriptors.CreatePipe();
            stdio.Keep(child: read, monitor: write);
            stdio.ChildDescriptors[0] = read;
        }
        else
        {
            var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
            stdio._childEnds.Add(devNull);
            stdio.ChildDescriptors[0] = devNull;
        }
        foreach (var (fd, stream) in new[] { (1, "stdout"), (2, "stderr") })
        {
            var (read, write) = Descriptors.CreatePipe();
            stdio.Keep(child: write, monitor: read);
            stdio.ChildDescriptors[fd] = write;
            stdio.Outputs.Add((stream, read));
        }
        return stdio;
    }

    /// <summary>After the spawn: only the container may hold its ends, or the monitor never sees end of file.</summary>
    public void CloseChildEnds()
    {
        foreach (var handle in _childEnds)
        {
            handle.Dispose();
        }
    }

    public void Dispose()
    {
        CloseChildEnds();
        foreach (var handle in _monitorEnds)
        {
            handle.Dispose();
        }
    }

    private void Keep(SafeFileHandle child, SafeFileHandle monitor)
    {
        _childEnds.Add(child);
        _monitorEnds.Add(monitor);
    }
}
