using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Errors;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class PodNamespacesTests
{
    [Theory]
    [InlineData(NamespaceMode.Pod, NamespaceMode.Pod, NamespaceMode.Pod, NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc | NamespaceKinds.Pid)]
    [InlineData(NamespaceMode.Node, NamespaceMode.Pod, NamespaceMode.Container, NamespaceKinds.Ipc)]
    [InlineData(NamespaceMode.Node, NamespaceMode.Node, NamespaceMode.Node, NamespaceKinds.None)]
    [InlineData(NamespaceMode.Pod, NamespaceMode.Node, NamespaceMode.Node, NamespaceKinds.Network | NamespaceKinds.Uts)]
    public void Options_choose_the_pods_own_namespaces(NamespaceMode network, NamespaceMode ipc, NamespaceMode pid, NamespaceKinds expected) =>
        Assert.Equal(expected, PodNamespaces.For(new NamespaceOption { Network = network, Ipc = ipc, Pid = pid }));

    [Fact]
    public void No_options_means_everything_of_the_pods_own_but_pid() =>
        Assert.Equal(NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc | NamespaceKinds.Pid, PodNamespaces.For(null));

    [Fact]
    public void Target_and_container_modes_are_invalid_where_a_pod_cannot_have_them()
    {
        Assert.Throws<InvalidArgumentException>(() => PodNamespaces.For(new NamespaceOption { Pid = NamespaceMode.Target }));
        Assert.Throws<InvalidArgumentException>(() => PodNamespaces.For(new NamespaceOption { Network = NamespaceMode.Container }));
        Assert.Throws<InvalidArgumentException>(() => PodNamespaces.For(new NamespaceOption { Ipc = NamespaceMode.Target }));
    }
}
