namespace CriShim.Api.Http2;

/// <summary>
/// One decoded header field. Name and value hold the wire octets as Latin-1 characters, so any octet
/// string round-trips exactly and string length equals octet length.
/// </summary>
/// <param name="NeverIndexed">The sender asked that no intermediary index this field (RFC 7541 §6.2.3).</param>
internal readonly record struct HeaderField(string Name, string Value, bool NeverIndexed = false)
{
    // RFC 7541 §4.1: an estimate of an entry's bookkeeping, added to name and value length.
    private const int EntryOverhead = 32;

    /// <summary>Size of this field as counted against a dynamic table's maximum size.</summary>
    public int Size => Name.Length + Value.Length + EntryOverhead;
}
