namespace CriShim.Api.Http2;

/// <summary>A header block that does not follow RFC 7541; the connection cannot go on after it.</summary>
internal sealed class HpackDecodingException(string message) : Exception(message);
