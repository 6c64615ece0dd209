using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Tests.Image;

public sealed class PlatformSelectorTests
{
    private static Descriptor For(string os, string arch, string? variant = null, string digest = "") => new()
    {
        MediaType = MediaTypes.OciManifest,
        Digest = digest.Length > 0 ? digest : $"{os}/{arch}/{variant}",
        Platform = new Platform { Os = os, Architecture = arch, Variant = variant },
    };

    [Fact]
    public void Picks_linux_amd64_out_of_a_multi_arch_index()
    {
        var amd64 = For("linux", "amd64");
        var chosen = new PlatformSelector("linux", "amd64", null)
            .Select([For("linux", "arm64", "v8"), For("windows", "amd64"), amd64, For("linux", "s390x")], "x");
        Assert.Same(amd64, chosen);
    }

    [Fact]
    public void Amd64_prefers_the_baseline_over_higher_microarchitecture_levels()
    {
        var selector = new PlatformSelector("linux", "amd64", null);
        var v1 = For("linux", "amd64", "v1");
        Assert.Same(v1, selector.Select([For("linux", "amd64", "v3"), v1], "x"));
        Assert.Throws<NotFoundException>(() => selector.Select([For("linux", "amd64", "v3")], "x"));
        Assert.Equal(0, selector.Rank(new Platform { Os = "linux", Architecture = "x86_64" }));
    }

    [Fact]
    public void Arm64_without_a_variant_means_v8()
    {
        var selector = new PlatformSelector("linux", "arm64", null);
        var plain = For("linux", "arm64");
        Assert.Same(plain, selector.Select([For("linux", "arm", "v7"), plain], "x"));
        Assert.Equal(0, selector.Rank(new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" }));
    }

    [Fact]
    public void Arm_accepts_older_variants_after_the_exact_one()
    {
        var selector = new PlatformSelector("linux", "arm", "v7");
        var v6 = For("linux", "arm", "v6");
        var v7 = For("linux", "arm", "v7");
        Assert.Same(v7, selector.Select([v6, v7, For("linux", "arm", "v8")], "x"));
        Assert.Same(v6, selector.Select([For("linux", "arm", "v8"), v6], "x"));
    }

    [Fact]
    public void No_matching_platform_says_what_the_index_offers()
    {
        var error = Assert.Throws<NotFoundException>(() =>
            new PlatformSelector("linux", "amd64", null).Select([For("linux", "arm64", "v8"), For("linux", "ppc64le")], "img"));
        Assert.Contains("linux/arm64/v8", error.Message);
        Assert.Contains("linux/ppc64le", error.Message);
        Assert.Contains("linux/amd64", error.Message);
    }

    [Fact]
    public void Entries_without_a_platform_or_not_manifests_are_skipped()
    {
        var attestation = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = "att", Platform = new Platform { Os = "unknown", Architecture = "unknown" } };
        var nested = For("linux", "amd64") with { MediaType = MediaTypes.OciIndex };
        var good = For("linux", "amd64", digest: "good");
        Assert.Same(good, new PlatformSelector("linux", "amd64", null).Select([attestation, nested, new Descriptor { Digest = "none" }, good], "x"));
    }
}
