namespace CriShim.Api.Http2;

/// <summary>The HTTP/2 frame flags (RFC 9113 §6.2) of HEADERS and CONTINUATION frames.</summary>
[Flags]
internal enum Http2FrameFlags : byte
{
    None = 0x0,
    EndStream = 0x1,
    EndHeaders = 0x4,
    Padded = 0x8,
    Priority = 0x20,
}
