using System.Diagnostics;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using Xunit.Abstractions;

namespace CriShim.NativeTests.Conformance;

/// <summary>
/// critest v1.26.1, the CRI validation suite of cri-tools (CRITEST, PATH or ../shared/tools/bin/critest), against
/// the real daemon: its images come from a local docker-registry through crishim's registries.conf
/// (<see cref="CritestImages"/>), pods get a CNI network of their own (bridge <c>crishimct0</c>, 10.99.171.0/24), and
/// every spec runs one after the other. A failure lists the failed specs with critest's message; the last run's
/// critest output, JUnit report and daemon log stay in <see cref="LogsDir"/>.
/// </summary>
public sealed class CritestTests(ITestOutputHelper output)
{
    public const string WorkDir = "/tmp/crishim-critest";
    public const string LogsDir = WorkDir + "-logs";

    /// <summary>Specs this machine cannot run, each with the reason (passed to critest as <c>--ginkgo.skip</c>).</summary>
    public static readonly IReadOnlyList<(string Spec, string Reason)> Skipped =
    [
        ("public image with digest should be pulled and removed",
            "pulls gcr.io/k8s-staging-cri-tools/test-image-digest@sha256:9700f9a2..., a digest of the upstream manifest's bytes that no image built offline can have"),
    ];

    [CritestFact]
    public async Task The_CRI_validation_suite_passes()
    {
        var critest = KubernetesTools.Find("critest", "CRITEST")!;
        await RemoveLeftoversAsync();
        Directory.CreateDirectory(LogsDir);
        await using var registry = await TestRegistry.StartAsync();
        await CritestImages.PushAsync(registry, Path.Combine(Repository.Root, "out", "critest"));

        var daemon = await DaemonProcess.CreateAsync(Path.Combine(WorkDir, "daemon"));
        await File.WriteAllTextAsync(Path.Combine(daemon.WorkDir, "registries.conf"), CritestImages.RegistriesConf(registry));
        var network = await TestCniNetwork.CreateAsync(daemon.CniConfDir, WorkDir, "crishimct", "crishimct0", "10.99.171.0/24");
        try
        {
            await daemon.StartAsync();
            var junit = Path.Combine(LogsDir, "junit.xml");
            File.Delete(junit);
            var segmentsBefore = SharedMemorySegments();
            var (code, log) = await RunCritestAsync(critest, daemon.Socket, junit);
            await RemoveCritestSegmentsAsync(segmentsBefore);
            await File.WriteAllTextAsync(Path.Combine(LogsDir, "critest.log"), log);
            Assert.True(File.Exists(junit), $"critest exited {code} without a report:\n{Tail(log)}");
            var report = CritestReport.Load(junit);
            output.WriteLine(report.Summary);
            foreach (var (spec, reason) in Skipped)
            {
                output.WriteLine($"skipped on purpose: {spec}: {reason}");
            }
            var failed = report.Failed.Select(f => $"- {f.Name}\n  {f.Failure.ReplaceLineEndings("\n  ")}").ToList();
            Assert.True(failed.Count == 0, $"{report.Summary}; failed specs:\n{string.Join('\n', failed)}\n(logs in {LogsDir})");
            Assert.True(code == 0, $"critest exited {code} although no spec failed:\n{Tail(log)}");
            Assert.True(report.Passed > 0, $"critest ran no spec:\n{Tail(log)}");
        }
        finally
        {
            await RemoveAllAsync(daemon);
            await File.WriteAllTextAsync(Path.Combine(LogsDir, "crishim.log"), daemon.Log);
            await daemon.StopAsync();
            await network.DisposeAsync();
            await daemon.DisposeAsync();
            if (!Directory.Exists(daemon.WorkDir))
            {
                // What a spec left mounted keeps the daemon's directory; the next run's daemon reconciles it.
                Directory.Delete(WorkDir, recursive: true);
            }
        }
    }

    private static async Task<(int Code, string Log)> RunCritestAsync(string critest, string socket, string junit)
    {
        var info = new ProcessStartInfo(critest) { WorkingDirectory = WorkDir };
        info.ArgumentList.Add("--runtime-endpoint=unix://" + socket);
        info.ArgumentList.Add("--ginkgo.no-color");
        info.ArgumentList.Add("--ginkgo.v");
        info.ArgumentList.Add("--ginkgo.junit-report=" + junit);
        info.ArgumentList.Add("--ginkgo.timeout=40m");
        foreach (var (spec, _) in Skipped)
        {
            info.ArgumentList.Add("--ginkgo.skip=" + System.Text.RegularExpressions.Regex.Escape(spec));
        }
        // CRITEST_FOCUS narrows a run by hand (a regular expression of spec names), as --ginkgo.focus does.
        if (Environment.GetEnvironmentVariable("CRITEST_FOCUS") is { Length: > 0 } focus)
        {
            info.ArgumentList.Add("--ginkgo.focus=" + focus);
        }
        info.Environment.Remove("CONTAINER_RUNTIME_ENDPOINT");
        return await Shell.RunInterleaved(info, TimeSpan.FromMinutes(45));
    }

    /// <summary>Removes what the specs left (critest removes its pods, but not after a failure mid-spec) and the images.</summary>
    private static async Task RemoveAllAsync(DaemonProcess daemon)
    {
        if (!daemon.IsRunning)
        {
            return;
        }
        foreach (var pod in (await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
        {
            await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id });
            await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
        }
        foreach (var image in (await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images)
        {
            await daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = image.Id } });
        }
    }

    /// <summary>An interrupted run's daemon state: a daemon on it reconciles what still runs, then everything is removed.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        var daemonDir = Path.Combine(WorkDir, "daemon");
        if (Directory.Exists(Path.Combine(daemonDir, "root")))
        {
            await using var leftover = await DaemonProcess.StartInAsync(daemonDir);
            await RemoveAllAsync(leftover);
        }
        if (Directory.Exists(WorkDir))
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        Directory.CreateDirectory(WorkDir);
    }

    /// <summary>The host's System V shared memory segments: id, size and attach count.</summary>
    private static IReadOnlyList<(string Id, long Size, int Attached)> SharedMemorySegments() =>
        File.ReadAllLines("/proc/sysvipc/shm").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (f[1], long.Parse(f[3]), int.Parse(f[6])))
            .ToList();

    /// <summary>
    /// The HostIpc specs create a 1 MiB segment on the host with <c>ipcmk -M 1048576</c> and never remove it: remove
    /// the unattached ones of that size that appeared during the run.
    /// </summary>
    private static async Task RemoveCritestSegmentsAsync(IReadOnlyList<(string Id, long Size, int Attached)> before)
    {
        var known = before.Select(s => s.Id).ToHashSet();
        foreach (var (id, size, attached) in SharedMemorySegments())
        {
            if (!known.Contains(id) && size == 1048576 && attached == 0)
            {
                await Shell.TryRun("ipcrm", "-m", id);
            }
        }
    }

    private static string Tail(string log) => log.Length <= 8000 ? log : "..." + log[^8000..];
}

/// <summary>A test that needs root and critest; skipped, saying which is missing, otherwise.</summary>
public sealed class CritestFactAttribute : FactAttribute
{
    public CritestFactAttribute()
    {
        if (KubernetesTools.WhyNot("critest", "CRITEST") is { } reason)
        {
            Skip = reason;
        }
    }
}
