using CriShim.Contract;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class PodUserNamespaceTests
{
    private static NamespaceOption Options(NamespaceMode mode, params (uint Container, uint Host, uint Length)[] mappings)
    {
        var userns = new UserNamespace { Mode = mode };
        foreach (var (container, host, length) in mappings)
        {
            userns.Uids.Add(new IDMapping { ContainerId = container, HostId = host, Length = length });
            userns.Gids.Add(new IDMapping { ContainerId = container, HostId = host, Length = length });
        }
        return new NamespaceOption { UsernsOptions = userns };
    }

    [Fact]
    public void Pod_mode_takes_the_kubelets_mappings()
    {
        var mappings = PodUserNamespace.For(Options(NamespaceMode.Pod, (0, 65536, 65536)))!;
        Assert.Equal([new IdMapping(0, 65536, 65536)], mappings.Uids);
        Assert.Equal(65536u, mappings.RootUid);
        Assert.Equal(65536u, mappings.RootGid);
        Assert.Equal("0 65536 65536\n", UserNamespaceMappings.ProcText(mappings.Gids));
    }

    [Fact]
    public void Node_mode_or_none_keeps_the_hosts()
    {
        Assert.Null(PodUserNamespace.For(null));
        Assert.Null(PodUserNamespace.For(new NamespaceOption()));
        Assert.Null(PodUserNamespace.For(Options(NamespaceMode.Node)));
    }

    [Fact]
    public void Container_mode_is_unimplemented() =>
        Assert.Throws<UnimplementedException>(() => PodUserNamespace.For(Options(NamespaceMode.Container, (0, 65536, 65536))));

    [Theory]
    [InlineData("network")]
    [InlineData("PID")]
    [InlineData("IPC")]
    public void Host_namespaces_are_refused(string which)
    {
        var options = Options(NamespaceMode.Pod, (0, 65536, 65536));
        _ = which switch
        {
            "network" => options.Network = NamespaceMode.Node,
            "PID" => options.Pid = NamespaceMode.Node,
            _ => options.Ipc = NamespaceMode.Node,
        };
        Assert.Contains($"host's {which}", Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(options)).Message);
    }

    [Fact]
    public void Bad_mappings_are_refused()
    {
        Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(Options(NamespaceMode.Pod)));
        Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(Options(NamespaceMode.Pod, (0, 0, 65536))));
        Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(Options(NamespaceMode.Pod, (1, 65536, 10))));
        Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(Options(NamespaceMode.Pod, (0, 65536, 0))));
        Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(Options(NamespaceMode.Pod, (0, 65536, 100), (50, 70000, 100))));
        Assert.Throws<InvalidArgumentException>(() => PodUserNamespace.For(Options(NamespaceMode.Pod, (0, uint.MaxValue - 5, 100))));
    }
}
