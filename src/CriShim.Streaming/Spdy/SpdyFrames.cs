namespace CriShim.Streaming.Spdy;

/// <summary>One SPDY/3.1 frame as the session sees it; <see cref="SpdyFrameWriter"/> and <see cref="SpdyFrameReader"/> map them to bytes.</summary>
public abstract record SpdyFrame;

/// <summary>Stream data; <paramref name="Fin"/> half-closes the sender's side.</summary>
public sealed record DataFrame(uint StreamId, bool Fin, ReadOnlyMemory<byte> Data) : SpdyFrame;

public sealed record SynStreamFrame(uint StreamId, uint AssociatedStreamId, byte Priority, bool Fin, bool Unidirectional, SpdyHeaders Headers) : SpdyFrame;

public sealed record SynReplyFrame(uint StreamId, bool Fin, SpdyHeaders Headers) : SpdyFrame;

public sealed record RstStreamFrame(uint StreamId, SpdyResetStatus Status) : SpdyFrame;

/// <summary>One SETTINGS entry; flags 1 = persist value, 2 = persisted.</summary>
public readonly record struct SpdySetting(SpdySettingId Id, uint Value, byte Flags = 0);

public sealed record SettingsFrame(bool ClearSettings, IReadOnlyList<SpdySetting> Entries) : SpdyFrame;

/// <summary>Clients send odd ids, servers even; the receiver of a peer's ping echoes it.</summary>
public sealed record PingFrame(uint Id) : SpdyFrame;

public sealed record GoAwayFrame(uint LastGoodStreamId, SpdyGoAwayStatus Status) : SpdyFrame;

public sealed record HeadersFrame(uint StreamId, bool Fin, SpdyHeaders Headers) : SpdyFrame;

/// <summary>Stream id 0 updates the connection's window (SPDY/3.1).</summary>
public sealed record WindowUpdateFrame(uint StreamId, uint Delta) : SpdyFrame;
