using System.Text;
using CriShim.Protocol.V1;

namespace CriShim.Runtime.Sandbox;

/// <summary>The hostname, resolv.conf and hosts files of a pod, written under its state dir for containers to mount.</summary>
public static class PodFiles
{
    public const string HostResolvConf = "/etc/resolv.conf";

    public static void Write(SandboxDirectory directory, PodSandboxConfig config, bool hostNetwork)
    {
        var hostname = hostNetwork || config.Hostname.Length == 0 ? System.Net.Dns.GetHostName() : config.Hostname;
        File.WriteAllText(directory.Hostname, hostname + "\n");
        File.WriteAllText(directory.ResolvConf, ResolvConf(config.DnsConfig) ?? ReadHostFile(HostResolvConf));
        File.WriteAllText(directory.Hosts, hostNetwork ? ReadHostFile("/etc/hosts") : LocalHosts(hostname));
    }

    /// <summary>resolv.conf from the pod's DNS config, or null when it gives nothing (the host's file is used).</summary>
    public static string? ResolvConf(DNSConfig? dns)
    {
        if (dns is null || dns.Servers.Count + dns.Searches.Count + dns.Options.Count == 0)
        {
            return null;
        }
        var text = new StringBuilder();
        if (dns.Searches.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', dns.Searches).Append('\n');
        }
        foreach (var server in dns.Servers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }
        if (dns.Options.Count > 0)
        {
            text.Append("options ").AppendJoin(' ', dns.Options).Append('\n');
        }
        return text.ToString();
    }

    public static string LocalHosts(string hostname) =>
        $"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t{hostname}\n";

    private static string ReadHostFile(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
