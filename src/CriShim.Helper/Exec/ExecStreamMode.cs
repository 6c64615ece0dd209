using CriShim.Helper.Container;
using CriShim.Helper.Stdio;
using CriShim.Native;
using CriShim.Contract;
using CriShim.Contract.Stdio;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>
/// <c>exec-stream &lt;spec&gt; &lt;socket&gt;</c>: an interactive exec. Listens on <c>socket</c> (mode 0600),
/// prints one line on stdout once it does, and waits for the daemon to connect before it starts the
/// command (so no output is lost), wired to pipes or with <c>tty</c> a pseudo-terminal. Relays
/// <see cref="StdioFrame"/>s until the command exited and its output went out, then sends its exit;
/// a command that cannot start is reported as a start failure instead. When the daemon goes (the client
/// went), the command's whole process group is killed.
/// </summary>
internal static class ExecStreamMode
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    public static int Run(string specFile, string socketPath)
    {
        SafeFileHandle listener;
        try
        {
            listener = UnixSockets.ListenSeqPacket(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite, backlog: 1);
            UnixSockets.SetReceiveTimeout(listener, ConnectTimeout);
        }
        catch (Exception e) when (e is ErrnoException or IOException or ArgumentException)
        {
            Console.Error.WriteLine($"exec-stream: listening on {socketPath}: {e.Message}");
            return 1;
        }
        SafeFileHandle client;
        using (listener)
        {
            Console.Out.WriteLine(StdioSockets.ExecListeningLine);
            Console.Out.Flush();
            try
            {
                client = UnixSockets.Accept(listener);
            }
            catch (ErrnoException e)
            {
                Console.Error.WriteLine($"exec-stream: nobody connected to {socketPath} within {ConnectTimeout.TotalSeconds:0} s: {e.Message}");
                return 1;
            }
            finally
            {
                File.Delete(socketPath);
            }
        }
        using var peer = new StdioPeer(client, sendTimeout: null);
        return Relay(specFile, peer);
    }

    private static int Relay(string specFile, StdioPeer peer)
    {
        ExecSpec spec;
        ProcessStdio stdio;
        ChildProcess command;
        try
        {
            spec = ContainerSpecFile.Read(specFile, ContainerJsonContext.Default.ExecSpec);
            if (spec.StageFiles is { } stageFiles)
            {
                SharedStageFiles.Ensure(stageFiles);
            }
            stdio = ProcessStdio.Create(spec.Process);
            try
            {
                command = ExecLaunch.Start(spec, Path.GetFullPath(specFile), stdio.ChildDescriptors);
            }
            finally
            {
                stdio.CloseChildEnds();
            }
        }
        catch (InitStageException e)
        {
            peer.Send(StdioFrame.StartFailed(e.Failure, e.Message));
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException)
        {
            peer.Send(StdioFrame.StartFailed(StartFailure.Setup, e.Message));
            return 1;
        }
        using (stdio)
        using (command)
        {
            var pumps = stdio.Outputs.Select(o => StartPump(peer, o.Channel, o.Source)).ToList();
            var ended = new Lock();
            var exited = false;
            new Thread(() =>
            {
                peer.ApplyInput(stdio, () =>
                {
                    stdio.CloseStdin();
                    return true;
                });
                lock (ended)
                {
                    if (!exited)
                    {
                        // The daemon went before the command ended: the client is gone, so goes the
                        // command with its process group (it leads one, being a session leader).
                        command.SignalGroup(Signals.SIGKILL);
                    }
                }
            }) { IsBackground = true, Name = "exec input" }.Start();
            var exit = command.WaitForExit();
            lock (ended)
            {
                exited = true;
            }
            // Orphans of the command may hold the output open; do not wait for them forever.
            Task.WaitAll([.. pumps], DrainTimeout);
            peer.Send(StdioFrame.Exit(exit.ExitCode, exit.Signal));
        }
        return 0;
    }

    private static Task StartPump(StdioPeer peer, StdioChannel channel, SafeFileHandle source)
    {
        var done = new TaskCompletionSource();
        new Thread(() =>
        {
            OutputReader.Drain((int)source.DangerousGetHandle(), chunk => peer.SendData(channel, chunk));
            done.SetResult();
        }) { IsBackground = true, Name = "exec output" }.Start();
        return done.Task;
    }
}
