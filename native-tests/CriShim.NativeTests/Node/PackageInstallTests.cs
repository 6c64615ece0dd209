using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol;
using CriShim.Protocol.V1;
using CriShim.Runtime.Configuration;

namespace CriShim.NativeTests.Node;

/// <summary>
/// The .deb that <c>make package</c> builds (src/packaging/package.sh on out/bin), unpacked with <c>dpkg -x</c>
/// into a throw-away root: its files, its default configuration, its unit, and its daemon started from there
/// on a private socket under systemd's <c>Type=notify</c> protocol.
/// </summary>
public sealed class PackageInstallTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("crishim19-package-").FullName;

    private string Root => Path.Combine(_work, "root");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string BuildAndUnpack()
    {
        var deb = Run(Path.Combine(Repository.Root, "src", "packaging", "package.sh"), Repository.BinDir, _work).Trim();
        Assert.Matches(@"/crishim_[0-9][^/]*_amd64\.deb$", deb);
        Run("dpkg-deb", "-x", deb, Root);
        Assert.Contains("Package: crishim", Run("dpkg-deb", "-f", deb));
        return deb;
    }

    [RootFact]
    public async Task The_package_installs_into_a_root_and_its_daemon_starts_and_tells_systemd_it_is_ready()
    {
        BuildAndUnpack();
        foreach (var file in new[] { "usr/bin/crishim", "usr/bin/crishimctl", "usr/lib/crishim/crishim-runtime", "lib/systemd/system/crishim.service",
                     "etc/crishim/crishim.toml", "usr/share/man/man8/crishim.8.gz", "usr/share/doc/crishim/examples/10-crishim-bridge.conflist" })
        {
            Assert.True(File.Exists(Path.Combine(Root, file)), $"{file} is not in the package");
        }
        Assert.Equal(DaemonConfigLoader.Values(new DaemonConfig()),
            DaemonConfigLoader.Values(DaemonConfigLoader.Build(File.ReadAllText(Path.Combine(Root, "etc/crishim/crishim.toml")), "/etc/crishim/crishim.toml", new Dictionary<string, string>())));

        var notify = Path.Combine(_work, "notify.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(notify));
        var socket = Path.Combine(_work, "crishim.sock");
        var info = new ProcessStartInfo(Path.Combine(Root, "usr/bin/crishim"))
        {
            ArgumentList = { "--config", Path.Combine(Root, "etc/crishim/crishim.toml"), "--listen", socket,
                "--root", Path.Combine(_work, "var"), "--state", Path.Combine(_work, "run"), "--cni-conf-dir", Path.Combine(_work, "net.d") },
            Environment = { [CriShim.Api.Hosting.SystemdNotify.Variable] = notify },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var daemon = Process.Start(info)!;
        var stderr = daemon.StandardError.ReadToEndAsync();
        try
        {
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var received = await listener.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            var message = Encoding.UTF8.GetString(buffer, 0, received);

            Assert.Contains("READY=1", message.Split('\n'));
            Assert.Contains($"MAINPID={daemon.Id}", message.Split('\n'));
            // READY came only once the socket serves: the first call after it must work.
            using var channel = CriChannel.Create(socket);
            var version = await new RuntimeService.RuntimeServiceClient(channel).VersionAsync(new VersionRequest());
            Assert.Equal("crishim", version.RuntimeName);
            Assert.Contains("Version:", Run(Path.Combine(Root, "usr/bin/crishimctl"), "--runtime-endpoint", "unix://" + socket, "version"));
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", await stderr);
    }

    [SystemdAnalyzeFact]
    public void The_unit_passes_systemd_analyze_verify()
    {
        BuildAndUnpack();
        var unit = File.ReadAllText(Path.Combine(Root, "lib/systemd/system/crishim.service"));
        foreach (var setting in new[] { "Type=notify", "Delegate=yes", "KillMode=process", "Restart=on-failure", "LimitNOFILE=", "OOMScoreAdjust=-999", "ExecReload=" })
        {
            Assert.Contains(setting, unit);
        }
        // Verified outside the package root (whose /bin/kill and targets do not exist), with ExecStart at the unpacked daemon.
        var copy = Path.Combine(_work, "crishim.service");
        File.WriteAllText(copy, unit.Replace("ExecStart=/usr/bin/crishim", $"ExecStart={Root}/usr/bin/crishim"));
        var (code, output) = RunAllowingFailure(SystemdAnalyzeFactAttribute.Tool!, "verify", "--man=no", copy);
        Assert.True(code == 0 && output.Trim().Length == 0, $"systemd-analyze verify: exit {code}\n{output}");
    }

    private static string Run(string file, params string[] args)
    {
        var (code, output) = RunAllowingFailure(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} exited {code}\n{output}");
        return output;
    }

    private static (int Code, string Output) RunAllowingFailure(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
