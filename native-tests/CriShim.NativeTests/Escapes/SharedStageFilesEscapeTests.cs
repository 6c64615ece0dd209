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
/// no SYS_ADMIN) catches init stages, tries to write through their /proc/&lt;pid&gt;/exe and through every file
/// descriptor they hold, and keeps a descriptor of an exe to write through once the stage is gone.
/// A modified copy is impossible rather than detected: the copy's tmpfs is read-only as a file system, so even root
/// on the host cannot open its files for writing (checked below) until it remounts it, which no container can.
/// </summary>
[Collection("containers")]
public sealed class SharedStageFilesEscapeTests(ContainerImagesFixture images)
{
    private const int Execs = 40;

    /// <summary>Per foreign process: its exe's inode, and any write that went through to its exe or one of its files.</summary>
    private const string Watcher = """
        while [ ! -e /tmp/stop ]; do
          for d in /proc/[0-9]*; do
            { read -r comm < $d/comm; } 2>/dev/null || continue
            case $comm in sh|sleep|pause|true|stat|cat|tr|readlink) continue ;; esac
            echo "== ${d#/proc/} $comm $(tr '\0' ' ' < $d/cmdline 2>/dev/null)"
            echo "ino $(stat -L -c %i $d/exe 2>/dev/null)"
            if { echo pwned >> $d/exe; } 2>/dev/null; then echo wrote-exe; fi
            for f in $d/fd/*; do
              case $(readlink $f 2>/dev/null) in /dev/*|/proc/*|"") continue ;; /*) ;; *) continue ;; esac
              if { echo pwned >> $f; } 2>/dev/null; then echo "wrote-fd $(readlink $f)"; fi
            done
            # Held by a helper process (a failed redirection would end this shell): written through once the stage is gone.
            if [ -z "$held" ]; then
              for h in $holders; do [ -e /proc/$h/fd/3 ] && held=$h; done
              [ -n "$held" ] || { sleep 1000 3< $d/exe 2>/dev/null & holders="$holders $!"; }
            fi
          done
        done
        sleep 1
        for h in $holders; do
          [ -e /proc/$h/fd/3 ] || continue
          echo holding
          if { echo pwned >> /proc/$h/fd/3; } 2>/dev/null; then echo wrote-held-exe; fi
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
        var (pod, podConfig) = await scene.PodAsync("stagecopy", pid: NamespaceMode.Pod);
        var watcher = scene.Config("watcher", "sh", "-c", Watcher);
        watcher.Linux.SecurityContext.Capabilities = new Capability { AddCapabilities = { "SYS_PTRACE" } };
        watcher.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var watcherId = await scene.RunAsync(pod, podConfig, watcher);
        var target = scene.Config("target", "sleep", "1000");
        target.Linux.SecurityContext.NamespaceOptions = new NamespaceOption { Pid = NamespaceMode.Pod };
        var targetId = await scene.RunAsync(pod, podConfig, target);
        var copies = Directory.GetDirectories(StageFileCopies.DirectoryIn(scene.Daemon.State));
        var copy = Assert.Single(copies);
        var copyBinary = copy + "/crishim-runtime";
        var inode = Inode(copyBinary);

        for (var i = 0; i < Execs; i++)
        {
            Assert.Equal(0, (await scene.ExecAsync(targetId, 10, "true")).ExitCode);
        }
        await scene.ExecAsync(watcherId, 10, "touch", "/tmp/stop");
        await scene.WaitExitedAsync(watcherId, 60);
        var output = ContainerScene.LogContent(Path.Combine(podConfig.LogDirectory, "watcher", "0.log"));

        Assert.EndsWith("finished\n", output);
        Assert.DoesNotContain("wrote-", output);
        Assert.Contains("holding\n", output);
        // The stages ran the shared copy itself (no new copy was made for them), so the attack aimed at the right file.
        var stages = output.Split("== ", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Where(p => p.Contains(" exec-init ", StringComparison.Ordinal)).ToList();
        Assert.True(stages.Count > 0, $"the watcher caught no exec-init stage in {Execs} execs:\n{output}");
        Assert.Contains(stages, p => p.Contains($"\nino {inode}\n", StringComparison.Ordinal));
        Assert.Equal(copies, Directory.GetDirectories(StageFileCopies.DirectoryIn(scene.Daemon.State)));
        Assert.Equal(inode, Inode(copyBinary));
        Assert.Equal(helperHash, SHA256.HashData(File.ReadAllBytes(copyBinary)));
        Assert.Equal(helperHash, SHA256.HashData(File.ReadAllBytes(helper)));
        // Impossible, not detected: the host's root gets EROFS too.
        var refused = Assert.ThrowsAny<IOException>(() => File.OpenHandle(copyBinary, FileMode.Open, FileAccess.Write).Dispose());
        Assert.Contains("Read-only file system", refused.Message);
    }

    /// <summary>The inode number, from the device:inode:… identity.</summary>
    private static string Inode(string path)
    {
        using var file = ResolvedPaths.OpenHost(path);
        return FileStatus.IdentityOf(file).Split(':')[1];
    }
}
