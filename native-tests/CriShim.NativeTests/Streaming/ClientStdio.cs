using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using CriShim.Runtime.Streaming;

namespace CriShim.NativeTests.Streaming;

/// <summary>What a streaming client would hand the runtime: stdin the test types into, recorded output, a resize channel.</summary>
internal sealed class ClientStdio
{
    private readonly Pipe _stdin = new();
    private readonly Channel<TerminalSize> _resize = Channel.CreateUnbounded<TerminalSize>();

    public ClientStdio(bool stdin = true, bool stderr = true, bool tty = false)
    {
        Streams = new StdioStreams
        {
            Stdin = stdin ? _stdin.Reader.AsStream() : null,
            Stdout = Stdout,
            Stderr = stderr && !tty ? Stderr : null,
            Resize = tty ? _resize.Reader : null,
        };
    }

    public StdioStreams Streams { get; }

    public RecordingStream Stdout { get; } = new();

    public RecordingStream Stderr { get; } = new();

    public async Task TypeAsync(string text) => await _stdin.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>The client closes its stdin (end of file for the runtime).</summary>
    public async Task CloseStdinAsync() => await _stdin.Writer.CompleteAsync();

    public void Resize(ushort columns, ushort rows) => Assert.True(_resize.Writer.TryWrite(new TerminalSize(columns, rows)));
}
