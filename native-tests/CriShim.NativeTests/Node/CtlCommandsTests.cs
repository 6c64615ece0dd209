using System.Diagnostics;
using System.Text.Json;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.NativeTests.Streaming;

namespace CriShim.NativeTests.Node;

/// <summary>crishimctl's stats, statsp, events and inspect against the real daemon with a running container.</summary>
[Collection("containers")]
public sealed class CtlCommandsTests(ContainerImagesFixture images)
{
    [RootFact]
    public async Task Stats_statsp_inspect_and_a_live_event_table_from_the_command_line()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var endpoint = "unix://" + scene.Daemon.Socket;
        var (pod, podConfig) = await scene.PodAsync("ctlpod");
        var events = Process.Start(new ProcessStartInfo(Repository.Binary("crishimctl"), ["--runtime-endpoint", endpoint, "events"])
        {
            RedirectStandardOutput = true,
        })!;
        var lines = new List<string>();
        events.OutputDataReceived += (_, e) => { lock (lines) { lines.Add(e.Data ?? ""); } };
        events.BeginOutputReadLine();
        try
        {
            await Eventually.TrueAsync(() => { lock (lines) { return lines.Count > 0; } }, "the events header");
            var id = await scene.RunAsync(pod, podConfig, scene.Config("ctlbox", "sleep", "1000"));

            await Eventually.TrueAsync(() => { lock (lines) { return lines.Any(l => l.Contains("CONTAINER_STARTED_EVENT") && l.Contains(id[..13])); } },
                "a CONTAINER_STARTED_EVENT row");
            Assert.StartsWith("TIME", lines[0]);

            var stats = await Ctl(endpoint, "stats");
            Assert.StartsWith("CONTAINER", stats);
            Assert.Contains("ctlbox", stats);
            var statsp = await Ctl(endpoint, "statsp");
            Assert.StartsWith("POD", statsp);
            Assert.Contains("ctlpod", statsp);

            var inspect = JsonDocument.Parse(await Ctl(endpoint, "inspect", id)).RootElement;
            Assert.Equal(["info", "status"], inspect.EnumerateObject().Select(p => p.Name));
            Assert.Equal("CONTAINER_RUNNING", inspect.GetProperty("status").GetProperty("state").GetString());
            Assert.EndsWith("Z", inspect.GetProperty("status").GetProperty("startedAt").GetString());
            Assert.Equal("0001-01-01T00:00:00Z", inspect.GetProperty("status").GetProperty("finishedAt").GetString());
            var inspectp = JsonDocument.Parse(await Ctl(endpoint, "inspectp", pod)).RootElement;
            Assert.Equal("SANDBOX_READY", inspectp.GetProperty("status").GetProperty("state").GetString());
        }
        finally
        {
            events.Kill();
            await events.WaitForExitAsync();
            events.Dispose();
        }
    }

    private static Task<string> Ctl(string endpoint, params string[] args) =>
        Shell.Run(Repository.Binary("crishimctl"), ["--runtime-endpoint", endpoint, .. args]);
}
