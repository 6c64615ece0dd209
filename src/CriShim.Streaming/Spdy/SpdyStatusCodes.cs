namespace CriShim.Streaming.Spdy;

/// <summary>RST_STREAM status codes (draft 3, section 2.4.2).</summary>
public enum SpdyResetStatus : uint
{
    ProtocolError = 1,
    InvalidStream = 2,
    RefusedStream = 3,
    UnsupportedVersion = 4,
    Cancel = 5,
    InternalError = 6,
    FlowControlError = 7,
    StreamInUse = 8,
    StreamAlreadyClosed = 9,
    FrameTooLarge = 11,
}

/// <summary>GOAWAY status codes (draft 3, section 2.6.6).</summary>
public enum SpdyGoAwayStatus : uint
{
    Ok = 0,
    ProtocolError = 1,
    InternalError = 2,
}

/// <summary>SETTINGS ids (draft 3, section 2.6.4); only the initial window size changes what a session does.</summary>
public enum SpdySettingId : uint
{
    UploadBandwidth = 1,
    DownloadBandwidth = 2,
    RoundTripTime = 3,
    MaxConcurrentStreams = 4,
    CurrentCwnd = 5,
    DownloadRetransRate = 6,
    InitialWindowSize = 7,
    ClientCertificateVectorSize = 8,
}
