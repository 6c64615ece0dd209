namespace CriShim.Runtime.Configuration;

/// <summary>The daemon's effective configuration: defaults, overridden by the config file, overridden by flags.</summary>
public sealed record DaemonConfig
{
    public const string DefaultConfigPath = "/etc/crishim/crishim.toml";

    public string ConfigPath { get; init; } = DefaultConfigPath;
    public string Listen { get; init; } = "/run/crishim/crishim.sock";
    public string Root { get; init; } = "/var/lib/crishim";
    public string State { get; init; } = "/run/crishim";
    public string RegistriesConf { get; init; } = "/etc/containers/registries.conf";
    public string CniConfDir { get; init; } = "/etc/cni/net.d";
    public IReadOnlyList<string> CniBinDirs { get; init; } = ["/opt/cni/bin", "/usr/lib/cni"];
    public string StreamAddress { get; init; } = "127.0.0.1:0";
    public string CgroupDriver { get; init; } = "cgroupfs";
    public string LogLevel { get; init; } = "info";

    /// <summary>A pull that receives no bytes for this long fails with DeadlineExceeded; zero waits forever (containerd's default: 5 minutes).</summary>
    public TimeSpan ImagePullProgressTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many layers of one image are downloaded at the same time.</summary>
    public int MaxConcurrentDownloads { get; init; } = 3;

    /// <summary>ADDR:PORT of the Prometheus endpoint (<c>/metrics</c>); null (the default) serves none.</summary>
    public string? MetricsAddress { get; init; }

    /// <summary>The RuntimeClass handlers of <c>[runtimes.NAME]</c> tables, besides the default handler <c>""</c>.</summary>
    public IReadOnlyList<RuntimeHandlerConfig> RuntimeHandlers { get; init; } = [];
}
