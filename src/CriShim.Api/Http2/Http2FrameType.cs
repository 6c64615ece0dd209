namespace CriShim.Api.Http2;

/// <summary>The HTTP/2 frame types (RFC 9113 §6) that carry header blocks; all others pass through untouched.</summary>
internal enum Http2FrameType : byte
{
    Headers = 0x1,
    Continuation = 0x9,
}
