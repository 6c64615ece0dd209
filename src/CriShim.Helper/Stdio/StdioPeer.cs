using CriShim.Native;
using CriShim.Contract.Stdio;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Stdio;

/// <summary>
/// One client of a stdio relay socket (the daemon, for an attach or an interactive exec) as the helper
/// sees it: output goes out as <see cref="StdioFrame"/>s, the client's frames are applied to the process.
/// </summary>
internal sealed class StdioPeer : IDisposable
{
    private readonly SafeFileHandle _socket;
    private volatile bool _broken;

    /// <summary>
    /// <paramref name="sendTimeout"/>: how long a send may wait for a client that does not read before the
    /// client counts as gone (so it cannot hold up others); null waits, passing the client's pace on to the process.
    /// </summary>
    public StdioPeer(SafeFileHandle socket, TimeSpan? sendTimeout)
    {
        _socket = socket;
        if (sendTimeout is { } timeout)
        {
            UnixSockets.SetSendTimeout(socket, timeout);
        }
    }

    /// <summary>False once a send failed: the client went (or stalled past the send timeout).</summary>
    public bool IsConnected => !_broken;

    /// <summary>Sends output in frames of at most <see cref="StdioFrame.MaxData"/> bytes.</summary>
    public void SendData(StdioChannel channel, ReadOnlySpan<byte> data)
    {
        for (var offset = 0; offset < data.Length && !_broken; offset += StdioFrame.MaxData)
        {
            Send(StdioFrame.Data(channel, data.Slice(offset, Math.Min(StdioFrame.MaxData, data.Length - offset))));
        }
    }

    public void Send(byte[] frame)
    {
        if (_broken)
        {
            return;
        }
        try
        {
            UnixSockets.Send(_socket, frame);
        }
        catch (ErrnoException)
        {
            _broken = true;
        }
    }

    /// <summary>
    /// Applies the client's frames to <paramref name="stdio"/> until the client goes (end of file, error, or
    /// a frame that makes no sense). <paramref name="onCloseStdin"/> decides what the end of its stdin
    /// means, and whether the session goes on after it (false ends it here).
    /// </summary>
    public void ApplyInput(ProcessStdio stdio, Func<bool> onCloseStdin)
    {
        var buffer = new byte[StdioFrame.MaxLength];
        while (true)
        {
            int n;
            try
            {
                n = UnixSockets.Receive(_socket, buffer);
            }
            catch (ErrnoException)
            {
                return;
            }
            if (n == 0)
            {
                return;
            }
            StdioFrame frame;
            try
            {
                frame = StdioFrame.Parse(buffer.AsMemory(0, n));
            }
            catch (InvalidDataException)
            {
                return;
            }
            switch (frame.Channel)
            {
                case StdioChannel.Stdin:
                    stdio.WriteStdin(frame.Payload.Span);
                    break;
                case StdioChannel.Resize:
                    var (columns, rows) = frame.ReadResize();
                    try
                    {
                        stdio.Resize(columns, rows);
                    }
                    catch (ErrnoException)
                    {
                        // The terminal is closing with the process: nothing left to resize.
                    }
                    break;
                case StdioChannel.CloseStdin:
                    if (!onCloseStdin())
                    {
                        return;
                    }
                    break;
            }
        }
    }

    /// <summary>Ends the connection (the client reads what was sent, then end of file) and closes the socket.</summary>
    public void Dispose()
    {
        try
        {
            UnixSockets.Shutdown(_socket);
        }
        catch (ErrnoException)
        {
            // Already gone.
        }
        _socket.Dispose();
    }
}
