using System.Security.Cryptography;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// runc's CVE-2019-5736: a container whose command is a script starting with <c>#!/proc/self/exe</c> makes the
/// init stage execute its own binary as the container's process; a process in the pod keeps a descriptor of
/// /proc/&lt;pid&gt;/exe, waits until that process is gone and reopens it for writing: with a host binary behind it,
/// the runtime on the host is overwritten. Behind an init stage's exe there is only its copy in a read-only
/// stage root, which no container can write.
/// </summary>
[Collection("containers")]
public sealed class ExecutableEscapeTests(ContainerImagesFixture images)
{
    /// <summary>Finds the victim (comm "x", its script's name), reports its exe, writes through it while it runs and after it is gone.</summary>
    private const string Attack = """
        for d in /proc/[0-9]*; do { read -r c < $d/comm; } 2>/dev/null && [ "$c" = x ] && p=${d#/proc/}; done
        [ -n "$p" ] || { echo no-victim; exit 1; }
        echo "exe $(readlink /proc/$p/exe)"
        if { echo pwned >> /proc/$p/exe; } 2>/dev/null; then echo wrote-while-running; fi
        exec 3< /proc/$p/exe || { echo cannot-hold; exit 1; }
        kill -9 $p
        while [ -e /proc/$p/exe ]; do sleep 0.1; done
        if { echo pwned >> /proc/self/fd/3; } 2>/dev/null; then echo wrote-after-exit; fi
        echo done
        """;

    [RootFact]
    public async Task Proc_exe_of_an_init_stage_names_no_host_file_and_cannot_be_written_from_the_pod()
    {
        var helper = Repository.Binary("crishim-runtime");
        var before = SHA256.HashData(File.ReadAllBytes(helper));
        await using var scene = await ContainerScene.StartAsync(images);
        var evil = Path.Combine(scene.Daemon.WorkDir, "escape-exe");
        Directory.CreateDirectory(evil);
        File.WriteAllText(Path.Combine(evil, "x"), "#!/proc/self/exe exec-stream\n");
        File.SetUnixFileMode(Path.Combine(evil, "x"), (UnixFileMode)0b111_101_101);
        var (pod, podConfig) = await scene.PodAsync("exeesc", pid: NamespaceMode.Pod);
        // The victim runs the stage's binary as "exec-stream /evil/x /tmp/sock", which waits 30 s for a client;
        // the host's loader and libraries (read-only) let it start in the busybox-static image.
        var victim = scene.Config("victim", "/evil/x", "/tmp/sock");
        victim.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        victim.Mounts.Add(new Mount { HostPath = evil, ContainerPath = "/evil", Readonly = true });
        foreach (var (host, container) in new[] { ("/lib64", "/lib64"), ("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu") })
        {
            victim.Mounts.Add(new Mount { HostPath = host, ContainerPath = container, Readonly = true });
        }
        var attacker = scene.Config("attacker", "sleep", "1000");
        attacker.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var attackerId = await scene.RunAsync(pod, podConfig, attacker);

        await scene.RunAsync(pod, podConfig, victim);
        var log = Path.Combine(podConfig.LogDirectory, "victim", "0.log");
        for (var waited = 0; waited < 10000 && ContainerScene.LogContent(log).Length == 0; waited += 50)
        {
            await Task.Delay(50);
        }
        var attack = await scene.ExecAsync(attackerId, 30, "sh", "-c", Attack);

        Assert.True(ContainerScene.LogContent(log).Length > 0, "the victim never ran the stage's binary: " + File.ReadAllText(log));
        Assert.True(attack.ExitCode == 0, attack.Stdout + attack.Stderr);
        var exe = attack.Stdout.Split('\n').Single(l => l.StartsWith("exe ", StringComparison.Ordinal))[4..];
        Assert.NotEqual(helper, exe);
        Assert.DoesNotContain(Repository.BinDir, exe);
        Assert.DoesNotContain("wrote-", attack.Stdout);
        Assert.EndsWith("done\n", attack.Stdout);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(helper)));
    }
}
