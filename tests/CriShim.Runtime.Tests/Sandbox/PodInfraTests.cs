using CriShim.Native;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Store;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class PodInfraTests
{
    [Theory]
    [InlineData(NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc, false)]
    [InlineData(NamespaceKinds.Ipc, false)]
    [InlineData(NamespaceKinds.None, false)]
    [InlineData(NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc | NamespaceKinds.Pid, true)]
    [InlineData(NamespaceKinds.Network | NamespaceKinds.Uts | NamespaceKinds.Ipc | NamespaceKinds.User, true)]
    public void Pause_only_where_a_shared_pid_namespace_needs_its_pid_1_or_a_user_namespace_is_asked(NamespaceKinds namespaces, bool expected) =>
        Assert.Equal(expected, PodInfra.NeedsPause(namespaces));

    [Fact]
    public void A_record_from_before_pods_could_go_without_pause_has_pause()
    {
        const string json = """{"id":"a","configJson":"{}","runtimeHandler":"","createdAt":1,"namespaces":7,"cgroupPath":"/c","pause":{"pid":42,"startTime":7}}""";

        var record = System.Text.Json.JsonSerializer.Deserialize(json, RecordJsonContext.Default.PodSandboxRecord)!;

        Assert.False(record.Pauseless);
    }
}
