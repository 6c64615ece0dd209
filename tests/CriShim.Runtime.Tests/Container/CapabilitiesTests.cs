using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container;

public sealed class CapabilitiesTests
{
    private static Capability Request(string[] add, string[] drop)
    {
        var c = new Capability();
        c.AddCapabilities.AddRange(add);
        c.DropCapabilities.AddRange(drop);
        return c;
    }

    [Fact]
    public void Default_set_is_the_containerd_one()
    {
        var set = Capabilities.For(privileged: false, null);
        Assert.Equal(14, set.Count);
        Assert.Contains("CAP_NET_BIND_SERVICE", set);
        Assert.DoesNotContain("CAP_SYS_ADMIN", set);
        Assert.DoesNotContain("CAP_NET_ADMIN", set);
    }

    [Fact]
    public void Add_and_drop_accept_names_with_or_without_prefix_in_any_case()
    {
        var set = Capabilities.For(false, Request(["net_admin", "CAP_SYS_TIME"], ["CHOWN", "cap_kill"]));
        Assert.Contains("CAP_NET_ADMIN", set);
        Assert.Contains("CAP_SYS_TIME", set);
        Assert.DoesNotContain("CAP_CHOWN", set);
        Assert.DoesNotContain("CAP_KILL", set);
    }

    [Fact]
    public void Drop_all_then_add_one_leaves_that_one()
    {
        Assert.Equal(["CAP_NET_BIND_SERVICE"], Capabilities.For(false, Request(["NET_BIND_SERVICE"], ["ALL"])));
    }

    [Fact]
    public void Add_all_then_drop_one_leaves_everything_else()
    {
        var set = Capabilities.For(false, Request(["ALL"], ["SYS_ADMIN"]));
        Assert.Equal(Capabilities.Known.Count - 1, set.Count);
        Assert.DoesNotContain("CAP_SYS_ADMIN", set);
    }

    [Fact]
    public void Dropping_what_is_also_added_drops_it()
    {
        Assert.DoesNotContain("CAP_NET_ADMIN", Capabilities.For(false, Request(["NET_ADMIN"], ["NET_ADMIN"])));
    }

    [Fact]
    public void Privileged_gets_every_capability_in_bit_order()
    {
        Assert.Equal(Capabilities.Known, Capabilities.For(privileged: true, null));
    }

    [Fact]
    public void Unknown_capability_is_invalid_argument()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Capabilities.For(false, Request(["FLY"], [])));
        Assert.Contains("FLY", e.Message);
    }
}
