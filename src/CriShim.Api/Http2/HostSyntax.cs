using System.Buffers;

namespace CriShim.Api.Http2;

/// <summary>
/// Whether an authority is a host Kestrel accepts. Kestrel resets any request whose <c>:authority</c> fails
/// its check and offers no way to relax it; this repeats that check (its internal
/// <c>HttpUtilities.IsHostHeaderValid</c>) so the rewriter replaces exactly the values Kestrel would refuse.
/// </summary>
internal static class HostSyntax
{
    // Kestrel's host characters: RFC 3986 reg-name without sub-delims "*+,;=" and without percent-encoding.
    private static readonly SearchValues<char> HostChars =
        SearchValues.Create("!$&'()-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create("0123456789ABCDEFabcdef:.");

    public static bool IsValid(string authority)
    {
        // Empty is allowed: Kestrel then goes by the Host header.
        if (authority.Length == 0)
        {
            return true;
        }

        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');

            // "[::1]" is the shortest IPv6 literal.
            return close >= 4
                && !authority.AsSpan(1, close - 1).ContainsAnyExcept(Ipv6Chars)
                && IsPortOrNothing(authority.AsSpan(close + 1));
        }

        var hostEnd = authority.AsSpan().IndexOfAnyExcept(HostChars);
        return hostEnd switch
        {
            < 0 => true,
            // A socket path, or a port with no host.
            0 => false,
            _ => IsPortOrNothing(authority.AsSpan(hostEnd)),
        };
    }

    private static bool IsPortOrNothing(ReadOnlySpan<char> rest) =>
        rest.IsEmpty || (rest.Length > 1 && rest[0] == ':' && !rest[1..].ContainsAnyExceptInRange('0', '9'));
}
