using CriShim.Runtime.Errors;
using CriShim.Runtime.Image;

namespace CriShim.Runtime.Tests.Image;

public sealed class ImageReferenceTests
{
    private const string Hex = "4ff3ca91275773af45cb4b0834e12b7eb47d1c18f770a0b151381cd227f4c253";

    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("library/busybox", "docker.io/library/busybox:latest")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/library/busybox:1", "docker.io/library/busybox:1")]
    [InlineData("bitnami/redis:7", "docker.io/bitnami/redis:7")]
    [InlineData("registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9")]
    [InlineData("registry.k8s.io/e2e-test-images/busybox:1.29-2", "registry.k8s.io/e2e-test-images/busybox:1.29-2")]
    [InlineData("localhost/app", "localhost/app:latest")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest")]
    [InlineData("127.0.0.1:5000/a/b/c:v1.2_3", "127.0.0.1:5000/a/b/c:v1.2_3")]
    [InlineData("[::1]:5000/app:v", "[::1]:5000/app:v")]
    [InlineData("Example/app", "Example/app:latest")]
    [InlineData("quay.io/a__b/c-d.e:t", "quay.io/a__b/c-d.e:t")]
    [InlineData("busybox@sha256:" + Hex, "docker.io/library/busybox@sha256:" + Hex)]
    [InlineData("busybox:1.36@sha256:" + Hex, "docker.io/library/busybox@sha256:" + Hex)]
    [InlineData("host:5000/app:tag@sha256:" + Hex, "host:5000/app@sha256:" + Hex)]
    public void Normalizes_like_containerd(string input, string expected) =>
        Assert.Equal(expected, ImageReference.Parse(input).ToString());

    [Fact]
    public void Splits_domain_path_tag_and_digest()
    {
        var tagged = ImageReference.Parse("localhost:5000/team/app:v1");
        Assert.Equal(("localhost:5000", "team/app", "v1"), (tagged.Domain, tagged.Path, tagged.Tag));
        Assert.Null(tagged.Digest);
        Assert.Equal("localhost:5000/team/app", tagged.Name);

        var pinned = ImageReference.Parse("app@sha256:" + Hex);
        Assert.Null(pinned.Tag);
        Assert.Equal(Hex, pinned.Digest!.Value.Hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("Busybox")]
    [InlineData("docker.io/Library/busybox")]
    [InlineData("busybox:")]
    [InlineData("busybox:-tag")]
    [InlineData("busybox:has space")]
    [InlineData("busybox@sha256:abc")]
    [InlineData("busybox@md5:" + Hex)]
    [InlineData("busybox@sha256:" + Hex + "00")]
    [InlineData(Hex)]
    [InlineData("a//b")]
    [InlineData("a/b/")]
    [InlineData("/busybox")]
    [InlineData("bad_host_name.com:x/app")]
    [InlineData("app..name")]
    public void Refuses_invalid_references_with_invalid_argument(string input)
    {
        var error = Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse(input));
        Assert.Contains("invalid image reference", error.Message);
    }

    [Fact]
    public void Refuses_names_longer_than_255_characters() =>
        Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse("example.com/" + new string('a', 250)));
}
