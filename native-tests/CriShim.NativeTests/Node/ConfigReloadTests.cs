using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Streaming;
using CriShim.Protocol;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Node;

/// <summary><c>systemctl reload crishim</c>: SIGHUP re-reads the file; what can change applies, the rest is logged as waiting.</summary>
public sealed class ConfigReloadTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("crishim19-reload-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [RootFact]
    public async Task Sighup_applies_log_level_and_cni_dir_names_what_waits_and_survives_a_broken_file()
    {
        var config = Path.Combine(_work, "crishim.toml");
        var first = Path.Combine(_work, "net.d");
        var second = Path.Combine(_work, "net2.d");
        await File.WriteAllTextAsync(config, $"log_level = \"info\"\ncni_conf_dir = \"{first}\"\n");
        var socket = Path.Combine(_work, "crishim.sock");
        var info = new ProcessStartInfo(Repository.Binary("crishim"))
        {
            ArgumentList = { "--config", config, "--listen", socket, "--root", Path.Combine(_work, "root"), "--state", Path.Combine(_work, "state") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var log = new StringBuilder();
        using var daemon = Process.Start(info)!;
        daemon.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        daemon.BeginErrorReadLine();
        string Log() { lock (log) { return log.ToString(); } }
        try
        {
            await Eventually.TrueAsync(() => Log().Contains("serving CRI"), "the daemon serving");
            using var channel = CriChannel.Create(socket);
            var runtime = new RuntimeService.RuntimeServiceClient(channel);

            await File.WriteAllTextAsync(config, $"log_level = \"debug\"\ncni_conf_dir = \"{second}\"\nmax_concurrent_downloads = 7\n");
            Tmds.Linux.LibC.kill(daemon.Id, Tmds.Linux.LibC.SIGHUP);
            await Eventually.TrueAsync(() => Log().Contains("configuration reloaded"), "the reload");

            Assert.Contains($"cni_conf_dir is now {second}", Log());
            Assert.Contains("log_level is now debug", Log());
            Assert.Contains("max_concurrent_downloads changed to 7, which takes effect only when crishim restarts", Log());
            var status = await runtime.StatusAsync(new StatusRequest { Verbose = true });
            Assert.Equal(second, JsonDocument.Parse(status.Info["config"]).RootElement.GetProperty("cniConfDir").GetString());
            Assert.Contains(second, status.Status.Conditions.Single(c => c.Type == "NetworkReady").Message);

            await File.WriteAllTextAsync(config, "log_level = \"loud\"\n");
            Tmds.Linux.LibC.kill(daemon.Id, Tmds.Linux.LibC.SIGHUP);
            await Eventually.TrueAsync(() => Log().Contains("configuration reload refused"), "the refusal");
            Assert.Equal("crishim", (await runtime.VersionAsync(new VersionRequest())).RuntimeName);
            Assert.False(daemon.HasExited);
        }
        finally
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }
}
