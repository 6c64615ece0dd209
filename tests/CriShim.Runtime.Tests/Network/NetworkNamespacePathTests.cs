using CriShim.Runtime.Network;

namespace CriShim.Runtime.Tests.Network;

public sealed class NetworkNamespacePathTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_pin_is_live_only_while_nsfs_is_mounted_on_it()
    {
        var pin = _dir.Combine("pod net");
        var unmounted = _dir.Combine("unmounted");
        File.WriteAllText(pin, "");
        File.WriteAllText(unmounted, "");
        var mountInfo = _dir.Combine("mountinfo");
        File.WriteAllLines(mountInfo,
        [
            "22 1 0:21 / /run rw,nosuid shared:5 - tmpfs tmpfs rw",
            $"530 22 0:4 net:[4026532641] {pin.Replace(" ", "\\040")} rw shared:5 - nsfs nsfs rw",
            $"531 22 0:21 / {unmounted} rw - tmpfs tmpfs rw",
        ]);

        Assert.True(NetworkNamespacePath.IsLive(pin, mountInfo));
        Assert.False(NetworkNamespacePath.IsLive(unmounted, mountInfo));
        Assert.False(NetworkNamespacePath.IsLive(_dir.Combine("deleted"), mountInfo));
        Assert.False(NetworkNamespacePath.IsLive("", mountInfo));
    }

    [Fact]
    public void A_proc_namespace_link_is_live_while_it_exists()
    {
        Assert.True(NetworkNamespacePath.IsLive("/proc/self/ns/net"));
    }

    public void Dispose() => _dir.Dispose();
}
