using System.Runtime.InteropServices;
using System.Threading.Channels;
using CriShim.Native;
using CriShim.Streaming.Client;
using CriShim.Streaming.RemoteCommand;

namespace CriShim.Ctl.Commands;

/// <summary>
/// Runs an exec or attach URL against this process's stdio, as crictl does: with a terminal the local
/// one goes raw for the session (restored after) and its size follows SIGWINCH.
/// </summary>
internal static class InteractiveStreams
{
    public static async Task<int> RunAsync(string url, bool stdin, bool tty, bool webSocket)
    {
        using var raw = tty && stdin ? RawTerminal.Enter(0) : null;
        var sizes = Channel.CreateUnbounded<ResizeMessage>();
        using var resize = tty ? PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => SendSize(sizes.Writer)) : null;
        if (tty)
        {
            SendSize(sizes.Writer);
        }
        await using var input = Console.OpenStandardInput();
        await using var output = Console.OpenStandardOutput();
        await using var error = Console.OpenStandardError();
        try
        {
            return await RemoteCommandClient.RunAsync(new Uri(url), new RemoteCommandOptions
            {
                Stdin = stdin ? input : null,
                Stdout = output,
                Stderr = tty ? null : error,
                Tty = tty,
                Resize = tty ? sizes.Reader : null,
                UseWebSocket = webSocket,
            });
        }
        catch (Exception e) when (e is RemoteCommandException or HttpRequestException or IOException or System.Net.WebSockets.WebSocketException)
        {
            raw?.Dispose();
            Console.Error.WriteLine($"crishimctl: {e.Message}");
            return 1;
        }
    }

    /// <summary>Sends the local terminal's size; a terminal nobody sized (0x0) leaves the remote one as it is.</summary>
    private static void SendSize(ChannelWriter<ResizeMessage> sizes)
    {
        if (RawTerminal.Size(1) is var (columns, rows) && columns > 0 && rows > 0)
        {
            sizes.TryWrite(new ResizeMessage(columns, rows));
        }
    }
}
