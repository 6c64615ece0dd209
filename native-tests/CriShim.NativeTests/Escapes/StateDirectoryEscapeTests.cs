using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Escapes;

/// <summary>
/// The daemon's --root and --state hold every container's writable layer, spec, exit file and the
/// pods' namespace pins; another user of the node must not enter them. They and the per-pod and
/// per-container directories are 0700, set explicitly rather than left to the umask.
/// </summary>
[Collection("containers")]
public sealed class StateDirectoryEscapeTests(ContainerImagesFixture images)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [RootFact]
    public async Task State_and_root_directories_are_private_to_root()
    {
        await using var scene = await ContainerScene.StartAsync(images);
        var (pod, podConfig) = await scene.PodAsync("stateesc");
        var id = await scene.CreateAsync(pod, podConfig, scene.Config("idle", "sleep", "1000"));

        var directories = new[]
        {
            scene.Daemon.Root, scene.Daemon.State,
            Path.Combine(scene.Daemon.State, "sandboxes", pod),
            Path.Combine(scene.Daemon.State, "containers", id),
            Directory.GetDirectories(scene.Daemon.Root, id, SearchOption.AllDirectories).Single(),
        };

        Assert.All(directories, d => Assert.True(File.GetUnixFileMode(d) == OwnerOnly, $"{d} is {File.GetUnixFileMode(d)}"));
    }
}
