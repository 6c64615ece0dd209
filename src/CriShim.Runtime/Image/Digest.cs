using System.Security.Cryptography;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>A content digest, <c>sha256:&lt;64 hex&gt;</c>: the only algorithm images use in practice.</summary>
public readonly record struct Digest
{
    public const string Algorithm = "sha256";
    private const int HexLength = 64;

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lowercase hex characters.</summary>
    public string Hex { get; }

    public override string ToString() => $"{Algorithm}:{Hex}";

    public static Digest Parse(string text) =>
        TryParse(text, out var digest)
            ? digest
            : throw new InvalidArgumentException($"'{text}' is not a sha256 digest (sha256: followed by 64 lowercase hex digits)");

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (text is null || !text.StartsWith(Algorithm + ":", StringComparison.Ordinal) || !IsHex(text.AsSpan(Algorithm.Length + 1)))
        {
            return false;
        }
        digest = new Digest(text[(Algorithm.Length + 1)..]);
        return true;
    }

    public static Digest FromHex(string hex) =>
        IsHex(hex) ? new Digest(hex) : throw new ArgumentException($"'{hex}' is not 64 lowercase hex digits", nameof(hex));

    public static Digest Of(ReadOnlySpan<byte> content) => new(Convert.ToHexStringLower(SHA256.HashData(content)));

    public static Digest FromHash(ReadOnlySpan<byte> sha256) => new(Convert.ToHexStringLower(sha256));

    public static bool IsHex(ReadOnlySpan<char> text) =>
        text.Length == HexLength && !text.ContainsAnyExcept("0123456789abcdef");
}
