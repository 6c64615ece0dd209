using CriShim.Runtime.Store;

namespace CriShim.Runtime.Tests.Store;

public sealed class NameRegistryTests
{
    [Fact]
    public void A_reserved_name_names_its_owner_until_that_owner_releases_it()
    {
        var names = new NameRegistry();
        Assert.Null(names.TryReserve("pod_ns_uid_0", "a"));
        Assert.Null(names.TryReserve("pod_ns_uid_0", "a"));
        Assert.Equal("a", names.TryReserve("pod_ns_uid_0", "b"));

        names.Release("pod_ns_uid_0", "b");
        Assert.Equal("a", names.TryReserve("pod_ns_uid_0", "b"));
        names.Release("pod_ns_uid_0", "a");
        Assert.Null(names.TryReserve("pod_ns_uid_0", "b"));
    }
}
