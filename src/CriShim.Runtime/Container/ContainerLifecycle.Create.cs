using System.Text.Json;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Protocol.V1;
using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Sandbox;
using CriShim.Runtime.Store;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CriShim.Runtime.Container;

public sealed partial class ContainerLifecycle
{
    /// <summary>
    /// Prepares a container in a ready pod: the plan (every check, nothing acquired), name reservation, the record
    /// (creating), writable layer, cgroup with its device rules and limits, and the execution spec; nothing runs yet
    /// (CREATED). On any failure <see cref="RollBackAsync"/> undoes it from the record, as start-up recovery does after a crash.
    /// </summary>
    public async Task<string> CreateAsync(string podSandboxId, ContainerConfig? config)
    {
        var steps = new StepTimings(log, "CreateContainer");
        var plan = planner.Plan(podSandboxId, config);
        var (id, record) = (plan.Id, plan.Record);
        steps.Step("validate and plan");

        Store.ReserveName(record.SandboxId, record.Name, record.Attempt, id);
        await using var undo = new CleanupStack(log);
        undo.Push("release the container name", () => Store.ReleaseName(record.SandboxId, record.Name, record.Attempt, id));
        using var held = await containers.LockAsync(id, CancellationToken.None);
        FaultPoint.Reach("create-container.start");

        // Volume directories missing on the host are created only now that the request is known to be valid.
        var spec = plan.Spec with { Mounts = ContainerMountResolver.CreateMissingHostDirectories(plan.Spec.Mounts) };

        // Intent before effect: the record names the directories and the cgroup before they exist, so
        // a crash at any later instant leaves something start-up recovery can roll back.
        Store.Add(
            record,
            new ContainerRunStatus
            {
                Id = id,
                Creating = true,
                ResourcesJson = plan.Resources is null ? "" : JsonFormatter.Default.Format(plan.Resources),
            },
            new ContainerDetails(plan.Config, spec));
        undo.Push("roll back the half-made container", () => RollBackAsync(id));
        steps.Step("record creating");

        PrivateDirectory.Create(plan.Directory.Path);
        Directory.CreateDirectory(plan.Directory.Upper);
        Directory.CreateDirectory(plan.Directory.Work);
        Directory.CreateDirectory(plan.Directory.Rootfs);
        PrivateDirectory.Create(plan.State.Path);
        FaultPoint.Reach("create-container.after-dirs");
        steps.Step("directories");

        cgroups.Create(record.CgroupPath);
        cgroups.RestrictDevices(record.CgroupPath, plan.DeviceRules);
        ApplyResources(record.CgroupPath, plan.Resources);
        cgroups.Create(MonitorCgroup.Of(record.CgroupPath, id));
        FaultPoint.Reach("create-container.after-cgroup");
        steps.Step("cgroups");

        if (plan.CheckpointArchive is { } archive)
        {
            spec.Restore = CheckpointRestore.Prepare(archive, plan.Directory, spec);
            steps.Step("checkpoint archive");
        }
        AtomicFile.Write(record.SpecFile, JsonSerializer.SerializeToUtf8Bytes(spec, ContainerJsonContext.Default.ContainerProcessSpec));
        FaultPoint.Reach("create-container.before-record");
        steps.Step("spec file");
        Store.Update(id, s => s with { Creating = false });
        undo.Commit();
        steps.Step("record created");
        steps.Log(id);
        containers.Publish(record, ContainerEventType.ContainerCreatedEvent);
        log.LogInformation("container {Id} ({Name}, attempt {Attempt}) created in pod {Sandbox} from image {Image}: {Args}",
            id, record.Name, record.Attempt, record.SandboxId, record.ImageId, string.Join(' ', spec.Process.Args));
        return id;
    }
}
