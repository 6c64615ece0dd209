using CriShim.Ctl.Commands;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Tests.Commands;

public sealed class CrictlConfigFileTests
{
    private const string Yaml = """
        metadata:
          name: web
          namespace: default
          uid: abc-123
          attempt: 1
        hostname: web-0
        log_directory: /var/log/pods/web
        dns_config:
          servers: [10.96.0.10]
          searches: [svc.cluster.local]
          options: ["ndots:5"]
        port_mappings:
          - protocol: 0
            container_port: 80
            host_port: 8080
        labels:
          app: web
          version: "1"
        annotations:
          note: hello
        linux:
          cgroup_parent: /kubepods/podabc
          sysctls:
            net.ipv4.ip_unprivileged_port_start: "0"
          security_context:
            namespace_options:
              network: 2
              pid: 1
              ipc: 0
        some_future_field: ignored
        """;

    [Fact]
    public void Crictl_yaml_with_snake_case_names_and_numeric_enums_parses()
    {
        using var file = new TempFile(Yaml);

        var config = CrictlConfigFile.ReadPod(file.Path);

        Assert.Equal("web", config.Metadata.Name);
        Assert.Equal(1u, config.Metadata.Attempt);
        Assert.Equal("web-0", config.Hostname);
        Assert.Equal("/var/log/pods/web", config.LogDirectory);
        Assert.Equal(["10.96.0.10"], config.DnsConfig.Servers);
        Assert.Equal(8080, config.PortMappings[0].HostPort);
        Assert.Equal("1", config.Labels["version"]);
        Assert.Equal("/kubepods/podabc", config.Linux.CgroupParent);
        Assert.Equal("0", config.Linux.Sysctls["net.ipv4.ip_unprivileged_port_start"]);
        Assert.Equal(NamespaceMode.Node, config.Linux.SecurityContext.NamespaceOptions.Network);
        Assert.Equal(NamespaceMode.Container, config.Linux.SecurityContext.NamespaceOptions.Pid);
    }

    [Fact]
    public void Crictl_json_parses_too()
    {
        using var file = new TempFile("""
            {"metadata": {"name": "db", "namespace": "prod", "uid": "u1"},
             "linux": {"security_context": {"namespace_options": {"network": "NODE"}}}}
            """);

        var config = CrictlConfigFile.ReadPod(file.Path);

        Assert.Equal("db", config.Metadata.Name);
        Assert.Equal(NamespaceMode.Node, config.Linux.SecurityContext.NamespaceOptions.Network);
    }

    [Fact]
    public void A_file_that_is_no_pod_config_is_a_clear_error()
    {
        using var file = new TempFile("metadata: [1, 2]\n");

        var error = Assert.Throws<ArgumentException>(() => CrictlConfigFile.ReadPod(file.Path));

        Assert.Contains(file.Path, error.Message);
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(string content)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, content);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
