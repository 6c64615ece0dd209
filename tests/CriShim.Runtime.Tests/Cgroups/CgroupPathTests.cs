using CriShim.Runtime.Cgroups;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Cgroups;

public sealed class CgroupPathTests
{
    [Theory]
    [InlineData("/kubepods/burstable/pod1", "/kubepods/burstable/pod1")]
    [InlineData("//kubepods//pod1/", "/kubepods/pod1")]
    public void Normalize_keeps_absolute_paths(string path, string expected) => Assert.Equal(expected, CgroupPath.Normalize(path));

    [Theory]
    [InlineData("kubepods.slice")]
    [InlineData("/kubepods/../etc")]
    [InlineData("/kubepods/./x")]
    public void Normalize_refuses_relative_and_dot_paths(string path) =>
        Assert.Throws<InvalidArgumentException>(() => CgroupPath.Normalize(path));

    [Fact]
    public void Lineage_lists_ancestors_outermost_first() =>
        Assert.Equal(["/a", "/a/b", "/a/b/c"], CgroupPath.Lineage("/a/b/c"));
}
