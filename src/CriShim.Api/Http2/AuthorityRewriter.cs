using System.Buffers;

namespace CriShim.Api.Http2;

/// <summary>
/// Rewrites the client-to-server byte stream of an HTTP/2 connection so that Kestrel accepts requests whose
/// <c>:authority</c> is not a host, as older grpc-go clients send over unix sockets (the socket path). The
/// preface and every frame pass through unchanged except header blocks: those are decoded, an invalid
/// <c>:authority</c> becomes <c>localhost</c>, and the block is re-encoded without indexing. Every block is
/// re-encoded because the client's blocks refer to the client's dynamic table, which only this decoder keeps;
/// the server's table stays empty.
/// </summary>
internal sealed class AuthorityRewriter(int maxDynamicTableSize, int maxHeaderBlockSize)
{
    private const string ReplacementAuthority = "localhost";

    // Every endpoint accepts frames of this size whatever it advertised (RFC 9113 §4.2).
    private const int MaxFramePayload = 16_384;

    private const int PriorityLength = 5;

    private static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly HpackDecoder _decoder = new(maxDynamicTableSize, maxHeaderBlockSize);
    private readonly ArrayBufferWriter<byte> _receivedBlock = new();
    private readonly ArrayBufferWriter<byte> _rewrittenBlock = new();
    private readonly byte[] _priority = new byte[PriorityLength];

    private Stage _stage = Stage.Preface;
    private long _payloadToPass;

    // The HEADERS frame whose header block is being collected, until its END_HEADERS.
    private Http2FrameHeader? _blockStart;

    private enum Stage
    {
        Preface,
        FrameHeader,
        PassingPayload,
        // The stream does not start with the HTTP/2 preface; Kestrel gets it as it is and rejects it itself.
        Transparent,
    }

    /// <summary>
    /// Rewrites as much of <paramref name="input"/> as forms whole units and returns the position up to which
    /// it was used; the rest must be offered again with more data behind it.
    /// </summary>
    /// <exception cref="HpackDecodingException">The client broke HPACK; the connection must end.</exception>
    /// <exception cref="Http2ProtocolException">The client broke HTTP/2 framing; the connection must end.</exception>
    public SequencePosition Rewrite(ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        var reader = new SequenceReader<byte>(input);
        while (Step(ref reader, output))
        {
        }

        return reader.Position;
    }

    // Returns whether it made progress, false when it needs more input.
    private bool Step(ref SequenceReader<byte> reader, IBufferWriter<byte> output) => _stage switch
    {
        Stage.Preface => TryPassPreface(ref reader, output),
        Stage.FrameHeader => TryProcessFrame(ref reader, output),
        Stage.PassingPayload => TryPassPayload(ref reader, output),
        _ => Pass(ref reader, reader.Remaining, output), // Transparent
    };

    private bool TryPassPreface(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        var available = (int)Math.Min(reader.Remaining, ClientPreface.Length);
        Span<byte> received = stackalloc byte[available];
        reader.TryCopyTo(received);
        if (!received.SequenceEqual(ClientPreface[..available]))
        {
            _stage = Stage.Transparent;
            return true;
        }

        if (available < ClientPreface.Length)
        {
            return false;
        }

        _stage = Stage.FrameHeader;
        return Pass(ref reader, ClientPreface.Length, output);
    }

    private bool TryProcessFrame(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        Span<byte> headerOctets = stackalloc byte[Http2FrameHeader.Size];
        if (!reader.TryCopyTo(headerOctets))
        {
            return false;
        }

        var header = Http2FrameHeader.Parse(headerOctets);
        if (_blockStart is { } start && (header.Type != Http2FrameType.Continuation || header.StreamId != start.StreamId))
        {
            // RFC 9113 §6.10: a header block allows nothing between its frames.
            throw new Http2ProtocolException(
                $"Frame of type {(byte)header.Type} on stream {header.StreamId} interrupts the header block of stream {start.StreamId}.");
        }

        // A CONTINUATION with no header block open passes through for Kestrel to reject.
        var carriesBlock = header.Type == Http2FrameType.Headers
            || (header.Type == Http2FrameType.Continuation && _blockStart is not null);
        if (!carriesBlock)
        {
            _stage = Stage.PassingPayload;
            _payloadToPass = header.Length;
            return Pass(ref reader, Http2FrameHeader.Size, output);
        }

        if (header.Length > maxHeaderBlockSize - _receivedBlock.WrittenCount)
        {
            throw new Http2ProtocolException($"Header block of stream {header.StreamId} exceeds {maxHeaderBlockSize} bytes.");
        }

        if (reader.Remaining < Http2FrameHeader.Size + header.Length)
        {
            return false;
        }

        reader.Advance(Http2FrameHeader.Size);
        ReadOnlySpan<byte> payload = reader.UnreadSpan.Length >= header.Length
            ? reader.UnreadSpan[..header.Length]
            : reader.UnreadSequence.Slice(0, header.Length).ToArray();
        if (header.Type == Http2FrameType.Headers)
        {
            StartBlock(header, payload);
        }
        else
        {
            _receivedBlock.Write(payload);
        }

        reader.Advance(header.Length);
        if (header.Flags.HasFlag(Http2FrameFlags.EndHeaders))
        {
            FinishBlock(output);
        }

        return true;
    }

    private void StartBlock(Http2FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var offset = 0;
        var padLength = 0;
        if (header.Flags.HasFlag(Http2FrameFlags.Padded))
        {
            if (payload.IsEmpty)
            {
                throw new Http2ProtocolException($"Padded HEADERS frame on stream {header.StreamId} has no pad length.");
            }

            padLength = payload[0];
            offset = 1;
        }

        if (header.Flags.HasFlag(Http2FrameFlags.Priority))
        {
            if (payload.Length < offset + PriorityLength)
            {
                throw new Http2ProtocolException($"HEADERS frame on stream {header.StreamId} is too short for its priority.");
            }

            payload.Slice(offset, PriorityLength).CopyTo(_priority);
            offset += PriorityLength;
        }

        if (padLength > payload.Length - offset)
        {
            throw new Http2ProtocolException($"Padding of HEADERS frame on stream {header.StreamId} exceeds its payload.");
        }

        _receivedBlock.Write(payload[offset..^padLength]);
        _blockStart = header;
    }

    private void FinishBlock(IBufferWriter<byte> output)
    {
        var fields = _decoder.Decode(_receivedBlock.WrittenSpan);
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Name == ":authority" && !HostSyntax.IsValid(fields[i].Value))
            {
                fields[i] = fields[i] with { Value = ReplacementAuthority };
            }
        }

        _rewrittenBlock.ResetWrittenCount();
        HpackEncoder.Encode(fields, _rewrittenBlock);
        WriteBlockFrames(_blockStart!.Value, _rewrittenBlock.WrittenSpan, output);
        _receivedBlock.ResetWrittenCount();
        _blockStart = null;
    }

    // One HEADERS frame, then CONTINUATION frames for whatever does not fit; padding is dropped.
    private void WriteBlockFrames(Http2FrameHeader start, ReadOnlySpan<byte> block, IBufferWriter<byte> output)
    {
        var priorityLength = start.Flags.HasFlag(Http2FrameFlags.Priority) ? PriorityLength : 0;
        var fragment = Math.Min(block.Length, MaxFramePayload - priorityLength);
        var flags = (start.Flags & (Http2FrameFlags.EndStream | Http2FrameFlags.Priority))
            | (fragment == block.Length ? Http2FrameFlags.EndHeaders : Http2FrameFlags.None);
        WriteFrameHeader(new(priorityLength + fragment, Http2FrameType.Headers, flags, start.StreamId), output);
        output.Write(_priority.AsSpan(0, priorityLength));
        output.Write(block[..fragment]);

        for (block = block[fragment..]; !block.IsEmpty; block = block[fragment..])
        {
            fragment = Math.Min(block.Length, MaxFramePayload);
            flags = fragment == block.Length ? Http2FrameFlags.EndHeaders : Http2FrameFlags.None;
            WriteFrameHeader(new(fragment, Http2FrameType.Continuation, flags, start.StreamId), output);
            output.Write(block[..fragment]);
        }
    }

    private static void WriteFrameHeader(Http2FrameHeader header, IBufferWriter<byte> output)
    {
        header.WriteTo(output.GetSpan(Http2FrameHeader.Size));
        output.Advance(Http2FrameHeader.Size);
    }

    private bool TryPassPayload(ref SequenceReader<byte> reader, IBufferWriter<byte> output)
    {
        if (_payloadToPass == 0)
        {
            _stage = Stage.FrameHeader;
            return true;
        }

        var count = Math.Min(reader.Remaining, _payloadToPass);
        _payloadToPass -= count;
        return Pass(ref reader, count, output);
    }

    // Copies count octets unchanged; returns whether there were any.
    private static bool Pass(ref SequenceReader<byte> reader, long count, IBufferWriter<byte> output)
    {
        foreach (var segment in reader.UnreadSequence.Slice(0, count))
        {
            output.Write(segment.Span);
        }

        reader.Advance(count);
        return count > 0;
    }
}
