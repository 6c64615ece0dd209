using CriShim.Protocol.V1;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

public sealed class PodFilesTests
{
    [Fact]
    public void Resolv_conf_lists_searches_servers_and_options() =>
        Assert.Equal(
            "search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:5 edns0\n",
            PodFiles.ResolvConf(new DNSConfig
            {
                Servers = { "10.96.0.10", "10.96.0.11" },
                Searches = { "ns.svc.cluster.local", "svc.cluster.local" },
                Options = { "ndots:5", "edns0" },
            }));

    [Fact]
    public void An_empty_dns_config_means_the_hosts_file()
    {
        Assert.Null(PodFiles.ResolvConf(null));
        Assert.Null(PodFiles.ResolvConf(new DNSConfig()));
    }

    [Fact]
    public void Written_files_hold_the_pod_hostname()
    {
        using var temp = new TempDirectory();
        var directory = new SandboxDirectory(temp.Path);
        PodFiles.Write(directory, new PodSandboxConfig { Hostname = "web-0" }, hostNetwork: false);

        Assert.Equal("web-0\n", File.ReadAllText(directory.Hostname));
        Assert.Contains("127.0.1.1\tweb-0", File.ReadAllText(directory.Hosts));
        Assert.Equal(File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : "", File.ReadAllText(directory.ResolvConf));
    }
}
