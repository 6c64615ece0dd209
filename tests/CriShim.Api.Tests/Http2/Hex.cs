namespace CriShim.Api.Tests.Http2;

internal static class Hex
{
    /// <summary>Octets from hex digits grouped as in the RFC examples ("8286 8441").</summary>
    public static byte[] Parse(string digits) => Convert.FromHexString(digits.Replace(" ", ""));
}
