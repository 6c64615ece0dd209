using CriShim.Native;
using CriShim.Contract;
using CriShim.NativeTests.Infrastructure;
using static CriShim.NativeTests.ContainerProcess.ContainerProcessScene;

namespace CriShim.NativeTests.ContainerProcess;

/// <summary>Identity, capabilities and limits of the container process, read from its /proc/self/status.</summary>
[Collection("container-process")]
public sealed class ContainerSecurityTests
{
    private static async Task<Dictionary<string, string>> StatusOfAsync(ContainerProcessSpec spec)
    {
        var output = await OutputOfAsync(spec);
        return output.Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim().Replace('\t', ' '));
    }

    private static string Mask(IEnumerable<string> names) => CapabilityNames.MaskOf(names).ToString("x16");

    [RootFact]
    public async Task Runs_as_uid_gid_with_supplementary_groups_and_no_capabilities_left()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("cat", "/proc/self/status");
        spec.Process.User = new ProcessUser { Uid = 1000, Gid = 1001, AdditionalGids = [10, 20, 1001] };

        var status = await StatusOfAsync(spec);

        Assert.Equal("1000 1000 1000 1000", status["Uid"]);
        Assert.Equal("1001 1001 1001 1001", status["Gid"]);
        Assert.Equal("10 20 1001", status["Groups"]);
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapPrm"]);
        Assert.Equal(Mask(DefaultCapabilities), status["CapBnd"]);
    }

    [RootFact]
    public async Task Root_gets_exactly_the_given_capabilities()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var defaults = scene.Spec("cat", "/proc/self/status");
        var adjusted = scene.Spec("cat", "/proc/self/status");
        adjusted.Process.Capabilities = [.. DefaultCapabilities.Where(c => c != "CAP_NET_RAW"), "CAP_SYS_ADMIN"];
        var all = scene.Spec("cat", "/proc/self/status");
        var known = CapabilityNames.All.Take(ThreadCapabilities.ReadLastCapability() + 1).ToList();
        all.Process.Capabilities = known;

        var d = await StatusOfAsync(defaults);
        var a = await StatusOfAsync(adjusted);
        var p = await StatusOfAsync(all);

        Assert.Equal(Mask(DefaultCapabilities), d["CapEff"]);
        Assert.Equal(Mask(DefaultCapabilities), d["CapBnd"]);
        Assert.Equal("0000000000000000", d["CapInh"]);
        Assert.Equal("0000000000000000", d["CapAmb"]);
        Assert.Equal(Mask(adjusted.Process.Capabilities), a["CapEff"]);
        // All the runtime itself has: this host's root lacks CAP_SYS_RESOURCE, which cannot be handed on.
        var granted = (CapabilityNames.MaskOf(known) & ThreadCapabilities.Permitted()).ToString("x16");
        Assert.Equal(granted, p["CapEff"]);
        Assert.Equal(granted, p["CapBnd"]);
    }

    [RootFact]
    public async Task No_new_privileges_is_set_only_when_asked()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var with = scene.Spec("cat", "/proc/self/status");
        with.Process.NoNewPrivileges = true;

        Assert.Equal("1", (await StatusOfAsync(with))["NoNewPrivs"]);
        Assert.Equal("0", (await StatusOfAsync(scene.Spec("cat", "/proc/self/status")))["NoNewPrivs"]);
    }

    [RootFact]
    public async Task Rlimits_are_applied()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("sh", "-c", "grep -E 'open files|core file' /proc/self/limits");
        spec.Process.Rlimits = [new ProcessRlimit("RLIMIT_NOFILE", 100, 200), new ProcessRlimit("RLIMIT_CORE", 0, 0)];

        var lines = (await OutputOfAsync(spec)).Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();

        Assert.Contains("Max core file size 0 0 bytes", lines);
        Assert.Contains("Max open files 100 200 files", lines);
    }

    [RootFact]
    public async Task Oom_score_adj_is_raised_as_asked_and_a_refused_lowering_is_clamped()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var own = int.Parse(File.ReadAllText("/proc/self/oom_score_adj").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var raised = scene.Spec("sleep", "1000");
        raised.OomScoreAdj = 500;
        var lowered = scene.Spec("sleep", "1000");
        lowered.OomScoreAdj = -999;

        var up = await StartAsync(raised);
        var down = await StartAsync(lowered);

        Assert.Equal(500, up.OomScoreAdj);
        Assert.Equal("500", File.ReadAllText($"/proc/{up.Pid}/oom_score_adj").Trim());
        // This host's root lacks CAP_SYS_RESOURCE: -999 is refused and the inherited value is kept and reported.
        Assert.Equal(own, down.OomScoreAdj);
        Assert.Equal(own.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText($"/proc/{down.Pid}/oom_score_adj").Trim());
    }

    [RootFact]
    public async Task Missing_working_directory_is_created_and_used()
    {
        await using var scene = await ContainerProcessScene.StartAsync();
        var spec = scene.Spec("pwd");
        spec.Process.WorkingDirectory = "/work/dir";

        Assert.Equal("/work/dir", await OutputOfAsync(spec));
        Assert.True(Directory.Exists(Path.Combine(spec.Rootfs.UpperDirectory, "work", "dir")));
    }
}
