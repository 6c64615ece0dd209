namespace CriShim.Streaming.Spdy;

/// <summary>The peer broke SPDY framing; the session ends (GOAWAY PROTOCOL_ERROR when still possible).</summary>
public sealed class SpdyProtocolException(string message) : IOException(message);
