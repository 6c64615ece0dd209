namespace CriShim.Api.Http2;

/// <summary>A client frame sequence that breaks RFC 9113 in a way the authority rewriter cannot pass on.</summary>
internal sealed class Http2ProtocolException(string message) : Exception(message);
