using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Image;

/// <summary>
/// Picks the manifest for the node's platform out of an index, as containerd's platform matcher
/// does: same OS and architecture; for arm the variant must match (a missing variant counts as the
/// default, v7 for arm and v8 for arm64) and older compatible variants are accepted after exact ones;
/// for amd64 a plain or <c>v1</c> variant is preferred over higher microarchitecture levels.
/// </summary>
public sealed class PlatformSelector(string os, string architecture, string? variant)
{
    public static PlatformSelector Host { get; } = new("linux", HostArchitecture(), null);

    public string Os { get; } = os;
    public string Architecture { get; } = architecture;
    public string? Variant { get; } = variant;

    public override string ToString() => Variant is { Length: > 0 } v ? $"{Os}/{Architecture}/{v}" : $"{Os}/{Architecture}";

    public Descriptor Select(IReadOnlyList<Descriptor> manifests, string imageName)
    {
        var best = manifests
            .Where(m => MediaTypes.IsManifest(m.MediaType) || m.MediaType.Length == 0)
            .Select(m => (Manifest: m, Rank: Rank(m.Platform)))
            .Where(c => c.Rank >= 0)
            .OrderBy(c => c.Rank)
            .Select(c => c.Manifest)
            .FirstOrDefault();
        if (best is null)
        {
            var offered = string.Join(", ", manifests.Select(m => m.Platform?.ToString() ?? "unknown"));
            throw new NotFoundException($"image {imageName} has no manifest for {this} (it offers: {offered})");
        }
        return best;
    }

    /// <summary>0 is the best match; -1 means no match.</summary>
    public int Rank(Platform? platform)
    {
        if (platform is null || platform.Os != Os || NormalizeArchitecture(platform.Architecture) != Architecture)
        {
            return -1;
        }
        var wanted = NormalizeVariant(Architecture, Variant);
        var offered = NormalizeVariant(Architecture, platform.Variant);
        if (offered == wanted)
        {
            return 0;
        }
        return Architecture switch
        {
            // amd64 microarchitecture levels: v1 runs everywhere, higher levels may not run on this CPU.
            "amd64" => offered is "v1" or "" ? 0 : -1,
            // arm: an image built for an older variant runs on a newer CPU.
            "arm" or "arm64" when wanted.Length > 0 && offered.Length > 0 && string.CompareOrdinal(offered, wanted) < 0 =>
                1 + string.CompareOrdinal(wanted, offered),
            _ => -1,
        };
    }

    private static string NormalizeArchitecture(string architecture) => architecture switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        "armhf" or "armel" => "arm",
        _ => architecture,
    };

    private static string NormalizeVariant(string architecture, string? variant) => (architecture, variant ?? "") switch
    {
        ("arm64", "" or "8" or "v8") => "v8",
        ("arm", "" or "7") => "v7",
        ("arm", "5" or "6" or "8") => "v" + variant,
        ("amd64", "" or "v1") => "",
        (_, var v) => v,
    };

    private static string HostArchitecture() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        var other => other.ToString().ToLowerInvariant(),
    };
}
