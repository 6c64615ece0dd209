namespace CriShim.Streaming.Spdy;

/// <summary>SPDY/3 control frame types (draft 3, section 2.6); 5 (NOOP) and 10 (CREDENTIAL) are read and ignored.</summary>
public enum SpdyFrameType : ushort
{
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}
