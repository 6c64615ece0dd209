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
    private readonly DefaultConnectionContext _connection = new("test");

    public AuthorityRewritingMiddlewareTests()
    {
        _connection.Transport = new Transport(_fromClient.Reader, _toClient.Writer);
    }

    [Fact]
    public async Task Next_reads_the_rewritten_client_stream_and_writes_to_the_socket_directly()
    {
        var block = new ClientHeaderBlock().Indexed(3).Indexed(6).Indexed(4).WithIndexing(1, "/run/x.sock").ToArray();
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, Http2FrameFlags.EndHeaders, 1, block)];
        var expected = new ArrayBufferWriter<byte>();
        NewRewriter().Rewrite(new ReadOnlySequence<byte>(input), expected);
        await _fromClient.Writer.WriteAsync(input);
        await _fromClient.Writer.CompleteAsync();
        var original = _connection.Transport;
        byte[]? seen = null;

        await AuthorityRewritingMiddleware.RunAsync(_connection, async connection =>
        {
            Assert.Same(_toClient.Writer, connection.Transport.Output);
            seen = await ReadToEndAsync(connection.Transport.Input);
        }, NewRewriter()).WaitAsync(Timeout);

        Assert.Equal(expected.WrittenSpan.ToArray(), seen);
        Assert.Same(original, _connection.Transport);
    }

    [Fact]
    public async Task Hpack_error_fails_the_read_of_next()
    {
        byte[] input = [.. Preface, .. Frame(Http2FrameType.Headers, Http2FrameFlags.EndHeaders, 1, 0x80)];
        await _fromClient.Writer.WriteAsync(input);
        Exception? error = null;

        await AuthorityRewritingMiddleware.RunAsync(_connection, async connection =>
        {
            error = await Record.ExceptionAsync(() => ReadToEndAsync(connection.Transport.Input));
        }, NewRewriter()).WaitAsync(Timeout);

        Assert.IsType<HpackDecodingException>(error);
    }

    [Fact]
    public async Task Ends_when_next_returns_though_the_client_still_has_the_socket_open()
    {
        await _fromClient.Writer.WriteAsync(Preface);

        await AuthorityRewritingMiddleware.RunAsync(_connection, _ => Task.CompletedTask, NewRewriter()).WaitAsync(Timeout);

        // The socket's input was completed, so further client bytes have no reader.
        var flush = await _fromClient.Writer.WriteAsync(Preface);
        Assert.True(flush.IsCompleted);
    }

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
