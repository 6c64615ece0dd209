using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// CheckpointContainer: <c>criu dump --leave-running</c> of a running container into a private directory under
/// <c>{root}/checkpoints</c>, then the archive at the kubelet's location (<see cref="CheckpointArchive"/>). The
/// container keeps running whatever happens; the directory goes in every case, the location is written whole or not at all.
/// </summary>
public sealed class ContainerCheckpointer(DaemonConfig daemon, Criu criu, ILogger<ContainerCheckpointer> log)
{
    /// <summary>What the kubelet gets when it sends no timeout: criu writes every page of the container's memory.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The checks that need no container: a location to write, in a directory that exists.</summary>
    public static (string Location, TimeSpan Timeout) Validate(string location, long timeoutSeconds)
    {
        if (location.Length == 0)
        {
            throw new InvalidArgumentException("CheckpointContainer needs a location: the path of the archive to write");
        }
        if (!Path.IsPathFullyQualified(location) || location.EndsWith('/'))
        {
            throw new InvalidArgumentException($"checkpoint location '{location}' is not an absolute file path");
        }
        if (!Directory.Exists(Path.GetDirectoryName(location)))
        {
            throw new InvalidArgumentException($"checkpoint location '{location}': its directory does not exist");
        }
        if (Directory.Exists(location))
        {
            throw new InvalidArgumentException($"checkpoint location '{location}' is a directory");
        }
        if (timeoutSeconds < 0)
        {
            throw new InvalidArgumentException($"checkpoint timeout {timeoutSeconds} is negative");
        }
        return (Path.GetFullPath(location), timeoutSeconds == 0 ? DefaultTimeout : TimeSpan.FromSeconds(timeoutSeconds));
    }

    /// <summary>Whether this node can checkpoint at all (criu installed and working); FailedPrecondition with criu's reason if not.</summary>
    public Task EnsureUsableAsync() => criu.EnsureUsableAsync();

    /// <summary>Dumps the running <paramref name="container"/> (its init is <paramref name="pid"/>) and writes the archive.</summary>
    public async Task CheckpointAsync(ContainerRecord container, ContainerProcessSpec spec, int pid, string location, TimeSpan timeout)
    {
        if (spec.Namespaces.UserPath is not null)
        {
            throw new FailedPreconditionException($"container {container.Id} runs in a user namespace, which crishim cannot checkpoint yet");
        }
        var work = Path.Combine(daemon.Root, "checkpoints", $"{container.Id}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(Path.GetDirectoryName(work)!);
        PrivateDirectory.Create(work);
        try
        {
            var images = Path.Combine(work, CheckpointMetadata.ImagesDirectory);
            Directory.CreateDirectory(images);
            var stdio = Enumerable.Range(0, 3).Select(fd => StdioKey(pid, fd)).ToArray();
            var dump = new CriuDump
            {
                Pid = pid,
                ImagesDirectory = images,
                WorkDirectory = work,
                ExternalNetworkNamespace = ForeignNamespace(pid, "net"),
                ExternalPidNamespace = spec.Namespaces.PidMode == PidNamespaceMode.New ? null : ForeignNamespace(pid, "pid"),
                ExternalMounts = CriuExternalMounts.ForDump(spec, File.ReadAllText($"/proc/{pid}/mountinfo")),
                ExternalFiles = stdio.Where(k => k.StartsWith("file[", StringComparison.Ordinal)).Distinct().ToList(),
            };
            File.WriteAllBytes(Path.Combine(images, CheckpointMetadata.Descriptors), JsonSerializer.SerializeToUtf8Bytes(stdio, CheckpointJsonContext.Default.StringArray));
            File.WriteAllBytes(Path.Combine(images, CheckpointMetadata.ExternalMounts),
                JsonSerializer.SerializeToUtf8Bytes(dump.ExternalMounts.ToArray(), CheckpointJsonContext.Default.StringArray));
            var (exitCode, output) = await criu.RunAsync(dump.Arguments(), timeout);
            if (exitCode != 0)
            {
                var logFile = Path.Combine(work, CriuDump.LogFile);
                var reason = Criu.Reason(File.Exists(logFile) ? File.ReadAllText(logFile) : output, exitCode);
                throw new IOException($"criu could not dump container {container.Id}: {reason}");
            }
            var stats = Path.Combine(images, CheckpointMetadata.StatsDump);
            if (File.Exists(stats))
            {
                File.Move(stats, Path.Combine(work, CheckpointMetadata.StatsDump));
            }
            using (var diff = new FileStream(Path.Combine(work, CheckpointMetadata.RootfsDiff), FileMode.CreateNew, FileAccess.Write))
            {
                RootfsDiff.Write(new ContainerDirectory(Path.GetDirectoryName(container.SpecFile)!).Upper, diff);
            }
            File.Delete(Path.Combine(work, CriuDump.LogFile));
            File.WriteAllBytes(Path.Combine(work, CheckpointMetadata.ConfigDump), CheckpointMetadata.Config(container, DateTimeOffset.UtcNow));
            File.WriteAllBytes(Path.Combine(work, CheckpointMetadata.SpecDump), CheckpointMetadata.Spec(container, spec));
            CheckpointArchive.Write(work, location);
            log.LogInformation("container {Id} checkpointed to {Location} ({Bytes} bytes)", container.Id, location, new FileInfo(location).Length);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The inode of the process's namespace of <paramref name="kind"/> when it is not the daemon's own (a pod's).</summary>
    private static ulong? ForeignNamespace(int pid, string kind)
    {
        var theirs = new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget;
        var ours = new FileInfo($"/proc/self/ns/{kind}").LinkTarget;
        if (theirs is null || theirs == ours)
        {
            return null;
        }
        // "net:[4026532281]"
        var open = theirs.IndexOf('[');
        return ulong.Parse(theirs.AsSpan(open + 1, theirs.Length - open - 2), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// What the init's fd is to criu: <c>pipe:[inode]</c> (the monitor's pipes), or, for a file the monitor opened on the
    /// host (/dev/null), <c>file[mnt_id:inode]</c> in hex, which the dump declares external; a restore hands the new
    /// monitor's descriptor under that key. Empty when the fd is closed.
    /// </summary>
    private static string StdioKey(int pid, int fd)
    {
        try
        {
            var target = new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget ?? "";
            if (!target.StartsWith('/'))
            {
                return target;
            }
            var mountId = File.ReadLines($"/proc/{pid}/fdinfo/{fd}").Select(l => l.Split(':', 2))
                .Where(f => f.Length == 2 && f[0] == "mnt_id").Select(f => int.Parse(f[1].Trim(), CultureInfo.InvariantCulture)).First();
            // O_PATH: the container may have put a FIFO there, which a plain open would wait on forever.
            using var file = ResolvedPaths.OpenHost($"/proc/{pid}/fd/{fd}");
            return $"file[{mountId:x}:{FileNodes.Status(file).Inode:x}]";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return "";
        }
    }
}
