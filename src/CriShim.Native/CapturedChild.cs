using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Native;

/// <summary>How a <see cref="CapturedChild"/> ended, with everything it wrote.</summary>
public sealed record CapturedOutput(ChildExit Exit, string Stdout, string Stderr);

/// <summary>
/// A child whose stdout and stderr are pipes to this process, drained by one thread of its own that also reaps
/// it: neither pipe fills up, no thread-pool thread blocks, and the caller awaits <see cref="Completion"/>.
/// Disposing it kills and reaps a child that still runs.
/// </summary>
public sealed class CapturedChild : IDisposable
{
    /// <summary>How long the pipes may stay open after the child ended (orphans it left holding them).</summary>
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    private readonly ChildProcess _process;
    private readonly SafeFileHandle _stdout;
    private readonly SafeFileHandle _stderr;
    private readonly TaskCompletionSource<CapturedOutput> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CapturedChild(ChildProcess process, SafeFileHandle stdout, SafeFileHandle stderr)
    {
        _process = process;
        _stdout = stdout;
        _stderr = stderr;
    }

    public int Pid => _process.Pid;

    /// <summary>Completes once the child was reaped and its pipes closed (or stayed open <see cref="OrphanGrace"/> longer).</summary>
    public Task<CapturedOutput> Completion => _completion.Task;

    /// <summary>The first line on stdout without its newline; null when stdout closed before one.</summary>
    public Task<string?> FirstLine => _firstLine.Task;

    /// <summary>
    /// Spawns <paramref name="path"/> with stdout and stderr on pipes to us, stdin on /dev/null unless
    /// <paramref name="descriptors"/> names fd 0, and the other <paramref name="descriptors"/> as given.
    /// </summary>
    public static CapturedChild Start(string path, IReadOnlyList<string> args, IReadOnlyList<string> environment,
        IReadOnlyDictionary<int, SafeFileHandle>? descriptors = null)
    {
        var (stdoutRead, stdoutWrite) = Descriptors.CreatePipe();
        var (stderrRead, stderrWrite) = Descriptors.CreatePipe();
        ChildProcess process;
        try
        {
            using (stdoutWrite)
            using (stderrWrite)
            using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
            {
                var inherited = new Dictionary<int, SafeFileHandle>(descriptors ?? new Dictionary<int, SafeFileHandle>()) { [1] = stdoutWrite, [2] = stderrWrite };
                inherited.TryAdd(0, devNull);
                process = new ProcessSpawner { Path = path, Args = args, Environment = environment, Descriptors = inherited }.Start();
            }
        }
        catch
        {
            stdoutRead.Dispose();
            stderrRead.Dispose();
            throw;
        }
        var child = new CapturedChild(process, stdoutRead, stderrRead);
        new Thread(child.Drain) { IsBackground = true, Name = "child output" }.Start();
        return child;
    }

    /// <summary>Sends <paramref name="signal"/> through the pidfd; false when the child was already reaped.</summary>
    public bool Signal(int signal) => _process.Signal(signal);

    /// <summary>SIGKILLs the child and the processes below it (<see cref="ChildProcess.KillTree"/>); <see cref="Completion"/> follows once it is reaped.</summary>
    public Task<CapturedOutput> KillAsync()
    {
        _process.KillTree();
        return Completion;
    }

    /// <summary>
    /// Kills a child that still runs, with the processes below it, and waits for the drain, which ends at most
    /// <see cref="OrphanGrace"/> after the exit.
    /// </summary>
    public void Dispose()
    {
        _process.KillTree();
        ((IAsyncResult)_completion.Task).AsyncWaitHandle.WaitOne();
        _stdout.Dispose();
        _stderr.Dispose();
        _process.Dispose();
    }

    private void Drain()
    {
        try
        {
            _completion.SetResult(Collect());
        }
        catch (Exception e)
        {
            // Never left running unreaped; the reason reaches whoever awaits the completion.
            _process.Signal(Signals.SIGKILL);
            _process.WaitForExit();
            _completion.SetException(e);
        }
        finally
        {
            _firstLine.TrySetResult(null);
        }
    }

    private CapturedOutput Collect()
    {
        var output = new Dictionary<SafeFileHandle, MemoryStream> { [_stdout] = new(), [_stderr] = new() };
        var open = new List<SafeFileHandle> { _stdout, _stderr };
        var buffer = new byte[16384];
        var deadline = DescriptorPoll.Never;
        while (open.Count > 0 || _process.Exit is null)
        {
            var exited = _process.Exit is not null;
            List<System.Runtime.InteropServices.SafeHandle> polled = [.. open];
            if (!exited)
            {
                polled.Add(_process.ExitHandle);
            }
            if (DescriptorPoll.WaitAny(polled, deadline) is not { } readable)
            {
                // Only after the exit: orphans of the child hold the pipes.
                break;
            }
            var closed = new List<SafeFileHandle>();
            for (var i = 0; i < open.Count; i++)
            {
                if (!readable[i])
                {
                    continue;
                }
                var n = Descriptors.Read(open[i], buffer);
                if (n == 0)
                {
                    closed.Add(open[i]);
                    continue;
                }
                output[open[i]].Write(buffer, 0, n);
                if (open[i] == _stdout && !_firstLine.Task.IsCompleted && Array.IndexOf(buffer, (byte)'\n', 0, n) >= 0)
                {
                    var text = Encoding.UTF8.GetString(output[_stdout].ToArray());
                    _firstLine.TrySetResult(text[..text.IndexOf('\n', StringComparison.Ordinal)]);
                }
            }
            open.RemoveAll(closed.Contains);
            if (!exited && readable[^1] && _process.TryReap() is not null)
            {
                deadline = DescriptorPoll.Deadline(OrphanGrace);
            }
        }
        return new CapturedOutput(_process.Exit!.Value, Encoding.UTF8.GetString(output[_stdout].ToArray()), Encoding.UTF8.GetString(output[_stderr].ToArray()));
    }
}
