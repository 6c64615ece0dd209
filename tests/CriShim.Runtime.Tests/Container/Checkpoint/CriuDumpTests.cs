using CriShim.Runtime.Container.Checkpoint;

namespace CriShim.Runtime.Tests.Container.Checkpoint;

public sealed class CriuDumpTests
{
    [Fact]
    public void Dumps_the_tree_and_leaves_it_running_with_the_pod_namespaces_and_host_mounts_external()
    {
        var args = new CriuDump
        {
            Pid = 42, ImagesDirectory = "/w/checkpoint", WorkDirectory = "/w", ExternalNetworkNamespace = 4026532281,
            ExternalMounts = ["/etc/hosts", "/data"],
        }.Arguments();

        Assert.Equal(
            ["dump", "--tree", "42", "--images-dir", "/w/checkpoint", "--work-dir", "/w", "--log-file", "dump.log", "-v4",
             "--leave-running", "--manage-cgroups=ignore", "--external", "net[4026532281]:extRootNetNS",
             "--external", "mnt[/etc/hosts]:/etc/hosts", "--external", "mnt[/data]:/data"],
            args);
    }

    [Fact]
    public void A_shared_pid_namespace_is_external_too() =>
        Assert.Contains("pid[7]:extRootPidNS", new CriuDump { Pid = 1, ImagesDirectory = "/i", WorkDirectory = "/w", ExternalPidNamespace = 7 }.Arguments());

    [Fact]
    public void Host_files_the_init_holds_are_external_by_key() =>
        Assert.Contains("file[1d:4]", new CriuDump { Pid = 1, ImagesDirectory = "/i", WorkDirectory = "/w", ExternalFiles = ["file[1d:4]"] }.Arguments());
}
