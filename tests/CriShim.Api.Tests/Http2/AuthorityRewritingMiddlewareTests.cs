using System.Buffers;
using System.IO.Pipelines;
using CriShim.Api.Http2;
using Microsoft.AspNetCore.Connections;
using Xunit;
using static CriShim.Api.Tests.Http2.Http2Frames;

namespace CriShim.Api.Tests.Http2;

/// <summary>The middleware's plumbing around a connection, with a stand-in for Kestrel as the next delegate.</summary>
public sealed class AuthorityRewritingMiddlewareTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Pipe _fromClient = new();
    private readonly Pipe _toClient = new();

    [Fact]
    public async Task NextReadsTheRewrittenClientStreamAndWritesToTheSocketDirectly()
    {
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).WithIndexing(1, "/run/x.sock").ToArray();
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, Http2FrameFlags.EndHeaders, 1, block)];
        var expected = new ArrayBufferWriter<byte>();
        NewRewriter().Rewrite(new ReadOnlySequence<byte>(input), expected);
        await _fromClient.Writer.WriteAsync(input);
        await _fromClient.Writer.CompleteAsync();
        await using var connection = NewConnection();
        var original = connection.Transport;
        byte[]? seen = null;

        await AuthorityRewritingMiddleware.RunAsync(connection, async kestrel =>
        {
            Assert.Same(_toClient.Writer, kestrel.Transport.Output);
            seen = await ReadToEndAsync(kestrel.Transport.Input);
        }, NewRewriter()).WaitAsync(Timeout);

        Assert.Equal(expected.WrittenSpan.ToArray(), seen);
        Assert.Same(original, connection.Transport);
    }

    [Fact]
    public async Task HpackErrorFailsTheReadOfNext()
    {
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, Http2FrameFlags.EndHeaders, 1, 0x80)];
        await _fromClient.Writer.WriteAsync(input);
        await using var connection = NewConnection();
        Exception? error = null;

        await AuthorityRewritingMiddleware.RunAsync(connection, async kestrel =>
        {
            error = await Record.ExceptionAsync(() => ReadToEndAsync(kestrel.Transport.Input));
        }, NewRewriter()).WaitAsync(Timeout);

        Assert.IsType<HpackDecodingException>(error);
    }

    [Fact]
    public async Task EndsWhenNextReturnsThoughTheClientStillHasTheSocketOpen()
    {
        await _fromClient.Writer.WriteAsync(Preface);
        await using var connection = NewConnection();

        await AuthorityRewritingMiddleware.RunAsync(connection, _ => Task.CompletedTask, NewRewriter()).WaitAsync(Timeout);

        // The socket's input was completed, so further client bytes have no reader.
        var flush = await _fromClient.Writer.WriteAsync(Preface);
        Assert.True(flush.IsCompleted);
    }

    private DefaultConnectionContext NewConnection() =>
        new("test") { Transport = new Transport(_fromClient.Reader, _toClient.Writer) };

    private static AuthorityRewriter NewRewriter() => new(4096, 1024 * 1024);

    private static async Task<byte[]> ReadToEndAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            if (read.IsCompleted)
            {
                var all = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return all;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private sealed class Transport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
