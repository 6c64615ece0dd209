using System.Buffers;
using CriShim.Api.Http2;
using Xunit;

namespace CriShim.Api.Tests.Http2;

/// <summary>Builds and splits HTTP/2 frame streams for tests.</summary>
internal static class Http2Frames
{
    public const Http2FrameType Data = (Http2FrameType)0x0;
    public const Http2FrameType Settings = (Http2FrameType)0x4;
    public const Http2FrameType Ping = (Http2FrameType)0x6;
    public const Http2FrameType WindowUpdate = (Http2FrameType)0x8;

    public static byte[] Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static byte[] Frame(Http2FrameType type, Http2FrameFlags flags, int streamId, params byte[] payload)
    {
        var frame = new byte[Http2FrameHeader.Size + payload.Length];
        new Http2FrameHeader(payload.Length, type, flags, streamId).WriteTo(frame);
        payload.CopyTo(frame, Http2FrameHeader.Size);
        return frame;
    }

    /// <summary>The frames of a stream that starts with the client preface.</summary>
    public static List<(Http2FrameHeader Header, byte[] Payload)> ParseAfterPreface(byte[] stream)
    {
        Assert.Equal(Preface, stream.Take(Preface.Length));
        var frames = new List<(Http2FrameHeader, byte[])>();
        for (var offset = Preface.Length; offset < stream.Length;)
        {
            var header = Http2FrameHeader.Parse(stream.AsSpan(offset));
            offset += Http2FrameHeader.Size;
            frames.Add((header, stream.AsSpan(offset, header.Length).ToArray()));
            offset += header.Length;
        }

        return frames;
    }

    /// <summary>The data as a sequence of segments of at most the given size, as a pipe may hand it out.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        if (data.Length <= segmentSize)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var first = new Segment(data.AsMemory(0, segmentSize), 0);
        var last = first;
        for (var offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            last = last.Append(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
