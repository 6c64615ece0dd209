using System.Security.Cryptography;
using CriShim.Contract;
using CriShim.Native;
using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// Every stage root binds one shared copy of the helper's files instead of copying them (the copy in the daemon's
/// state directory, one per helper build): the CVE-2019-5736 attack now aims at a file that every later start and
/// exec runs. A watcher in a shared PID pod (default capabilities plus SYS_PTRACE, so /proc of a stage opens at all;
/// no SYS_ADMIN) catches exec-init stages, tries to open their /proc/&lt;pid&gt;/exe and every file descriptor they
/// hold for writing, and keeps a descriptor of a stage's exe to open for writing once the stage is gone.
/// A modified copy is impossible rather than detected: the copy's tmpfs is read-only as a file system, so even root
/// on the host cannot open its files for writing (checked below) until it remounts it, which no container can.
/// </summary>
[Collection("containers")]
public sealed class SharedStageFilesEscapeTests(ContainerImagesFixture images)
{
    private const int Execs = 40;

    /// <summary>
    /// Per foreign process: its command line and exe (device:inode), and the device:inode of whatever opened for writing
    /// through its exe or one of its descriptors (named from the descriptor actually opened: a pid or fd may be reused
    /// meanwhile, and /proc shows a file bound alone as "/"). A few exe descriptors of exec-init stages are held by
    /// helper processes and opened for writing at the end, when those stages are gone. Nothing is written.
    /// </summary>
    private const string Watcher = """
        while [ ! -e /tmp/stop ]; do
          for d in /proc/[0-9]*; do
            { read -r comm < $d/comm; } 2>/dev/null || continue
            case $comm in sh|sleep|pause|true|stat|cat|tr|wc) continue ;; esac
            cmd=$(tr '\0' ' ' < $d/cmdline 2>/dev/null)
            echo "== ${d#/proc/} $comm $cmd"
            echo "exe $(stat -L -c %d:%i $d/exe 2>/dev/null)"
            for f in $d/exe $d/fd/*; do
              w=$( { exec 4>> $f; } 2>/dev/null && stat -L -c %d:%i /proc/self/fd/4 )
              [ -z "$w" ] || echo "opened-for-writing $w $f"
            done
            # A failed redirection would end this shell: a helper process holds the descriptor.
            case "$cmd" in *exec-init*) [ $(echo $holders | wc -w) -ge 5 ] || { sleep 1000 3< $d/exe 2>/dev/null & holders="$holders $!"; } ;; esac
          done
        done
        sleep 1
        for h in $holders; do
          held=$(stat -L -c %d:%i /proc/$h/fd/3 2>/dev/null) || continue
          echo "held $held"
          w=$( { exec 4>> /proc/$h/fd/3; } 2>/dev/null && stat -L -c %d:%i /proc/self/fd/4 )
          [ -z "$w" ] || echo "opened-for-writing $w held"
        done
        kill $holders 2>/dev/null
        echo finished
        """;

    [RootFact]
    public async Task No_stage_can_write_the_shared_copy_of_the_helper_and_not_even_host_root_can()
    {
        var helper = Repository.Binary("crishim-runtime");
        var helperHash = SHA256.HashData(File.ReadAllBytes(helper));
        await using var scene = await ContainerScene.StartAsync(images);
        var podConfig = scene.Pods.Config("stagecopy", pid: NamespaceMode.Pod);
        podConfig.LogDirectory = Path.Combine(scene.LogDirectory, "stagecopy");
        // Not under crishimtest-*: another test run's sweep of empty test cgroups would take this one's between create and start.
        podConfig.Linux.CgroupParent = $"/crishimstage-{Guid.NewGuid():N}"[..23] + "/podstagecopy";
        var pod = await scene.Pods.RunAsync(podConfig);
        var watcher = scene.Config("watcher", "sh", "-c", Watcher);
        watcher.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "SYS_PTRACE" } };
        watcher.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var watcherId = await scene.RunAsync(pod, podConfig, watcher);
        var target = scene.Config("target", "sleep", "1000");
        target.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var targetId = await scene.RunAsync(pod, podConfig, target);
        var copies = Directory.GetDirectories(StageFileCopies.DirectoryIn(scene.Daemon.State));
        var copyDirectory = Assert.Single(copies);
        var copyBinary = copyDirectory + "/crishim-runtime";
        var identity = Identity(copyBinary);

        for (var i = 0; i < Execs; i++)
        {
            Assert.Equal(0, (await scene.ExecAsync(targetId, 10, "true")).ExitCode);
        }
        await scene.ExecAsync(watcherId, 10, "touch", "/tmp/stop");
        await scene.WaitExitedAsync(watcherId, 60);
        var output = ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "watcher", "0.log"));

        Assert.EndsWith("finished\n", output);
        var device = identity.Split(':')[0];
        var copy = $"{device}:{identity.Split(':')[1]}";
        // Nothing of the copy's file system opened for writing, through any stage's exe or descriptor, or a held one.
        Assert.DoesNotContain($"opened-for-writing {device}:", output);
        // The stages ran the shared copy itself (no new copy was made for them), so the attack aimed at the right file.
        var stages = output.Split("== ", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Where(p => p.Contains(" exec-init ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Any(p => p.Contains($"\nexe {copy}\n", StringComparison.Ordinal)), $"no exec-init stage caught running the copy ({copy}):\n{output}");
        Assert.True(output.Contains($"held {copy}\n", StringComparison.Ordinal), $"no descriptor of the copy held past its stage:\n{output}");
        Assert.Equal(copies, Directory.GetDirectories(StageFileCopies.DirectoryIn(scene.Daemon.State)));
        Assert.Equal(identity, Identity(copyBinary));
        Assert.Equal(helperHash, SHA256.HashData(File.ReadAllBytes(copyBinary)));
        Assert.Equal(helperHash, SHA256.HashData(File.ReadAllBytes(helper)));
        // Impossible, not detected: the host's root gets EROFS too.
        var refused = Assert.ThrowsAny<IOException>(() => File.OpenHandle(copyBinary, FileMode.Open, FileAccess.Write).Dispose());
        Assert.Contains("Read-only file system", refused.Message);
    }

    /// <summary>device:inode:size:mtime:ctime of the file at <paramref name="path"/>.</summary>
    private static string Identity(string path)
    {
        using var file = ResolvedPaths.OpenHost(path);
        return FileStatus.IdentityOf(file);
    }
}
