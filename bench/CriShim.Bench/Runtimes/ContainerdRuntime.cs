using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CriShim.Bench.Host;

namespace CriShim.Bench.Runtimes;

/// <summary>
/// Debian's containerd with its CRI plugin as a kubeadm node would run it (runc v2 shims, cgroupfs,
/// overlayfs), but everything private: root, state, sockets, runc root, CNI conf dir, registry hosts.
/// Its processes: the daemon, the <c>containerd-shim-runc-v2</c> of each pod (they name its socket),
/// and the pause process each shim runs.
/// </summary>
public sealed class ContainerdRuntime(string directory, BenchNetwork network, string cgroupRoot)
    : BenchRuntime(RuntimeName, directory, network, cgroupRoot)
{
    public const string Binary = "/usr/bin/containerd";
    private const string ShimBinary = "/usr/bin/containerd-shim-runc-v2";
    private const string RuntimeName = "containerd";

    /// <summary>The containerd namespace the CRI plugin keeps its pods and containers in.</summary>
    private const string Namespace = "k8s.io";

    /// <summary>Where containerd 1.6 shims put their sockets, whatever the state dir is.</summary>
    private const string ShimSocketDir = "/run/containerd/s";

    /// <summary>Where libcni caches results; containerd's CRI plugin keeps its loopback network's there.</summary>
    private const string CniResults = "/var/lib/cni/results";

    protected override async Task<ProcessStartInfo> PrepareAsync(string sandboxImage, string registryHost)
    {
        var hosts = Path.Combine(Directory, "certs.d", registryHost);
        System.IO.Directory.CreateDirectory(hosts);
        // The registry itself is the only host: no fallback to any other server.
        await File.WriteAllTextAsync(Path.Combine(hosts, "hosts.toml"), $"""
            server = "http://{registryHost}"

            [host."http://{registryHost}"]
              capabilities = ["pull", "resolve"]
            """);
        var config = Path.Combine(Directory, "config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{Directory}/root"
            state = "{Directory}/state"

            [grpc]
              address = "{Socket}"

            [ttrpc]
              address = "{Socket}.ttrpc"

            [debug]
              level = "info"

            [plugins."io.containerd.internal.v1.opt"]
              path = "{Directory}/opt"

            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "{sandboxImage}"
              # This host's root lacks CAP_SYS_RESOURCE: clamp oom_score_adj as crishim does.
              restrict_oom_score_adj = true
              netns_mounts_under_state_dir = true
              stream_server_address = "127.0.0.1"
              stream_server_port = "0"

              [plugins."io.containerd.grpc.v1.cri".containerd]
                snapshotter = "overlayfs"
                default_runtime_name = "runc"

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"

                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    SystemdCgroup = false
                    Root = "{Directory}/runc"

              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "{Directory}/net.d"

              [plugins."io.containerd.grpc.v1.cri".registry]
                config_path = "{Directory}/certs.d"
            """);
            return new ProcessStartInfo(Binary) { ArgumentList = { "--config", config } };
    }

    public override IReadOnlyList<HostProcess> RuntimeProcesses(IReadOnlyList<HostProcess> all)
    {
        var daemon = DaemonPid;
        var shims = all.Where(p => p.Executable == ShimBinary && p.Mentions(Socket)).Select(p => p.Pid).ToHashSet();
        return all.Where(p => p.Pid == daemon || shims.Contains(p.Pid)
                || (shims.Contains(p.ParentPid) && p.CommandLine is ["/pause"]))
            .ToList();
    }

    /// <summary>
    /// Removes what containerd leaves outside its own directories for pods that were not torn
    /// down: each shim's socket (named by the hash containerd 1.6 derives from its address,
    /// namespace and task id) and libcni's cached loopback result. The ids come from the task state
    /// and the CRI plugin's sandbox directories, which survive an interrupted run until this clean-up.
    /// </summary>
    public static void RemoveLeftoversOutside(string directory)
    {
        var socket = SocketPath(directory, RuntimeName);
        var ids = new[]
            {
                Path.Combine(directory, "state", "io.containerd.runtime.v2.task", Namespace),
                Path.Combine(directory, "root", "io.containerd.grpc.v1.cri", "sandboxes"),
            }
            .Where(System.IO.Directory.Exists)
            .SelectMany(System.IO.Directory.EnumerateDirectories)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Distinct();
        foreach (var id in ids)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{socket}/{Namespace}/{id}")));
            File.Delete(Path.Combine(ShimSocketDir, hash));
            File.Delete(Path.Combine(CniResults, $"cni-loopback-{id}-lo"));
        }
    }
}
