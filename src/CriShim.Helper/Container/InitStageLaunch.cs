using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// The parent's side of starting an init stage, for the monitor (container-init) and exec (exec-init) alike:
/// spawns it with its end of the <see cref="InitSyncChannel"/> on fd 3, lets the caller place it (cgroup, OOM
/// score) while it waits, sends "go" and returns it once its command runs. Any failure kills and reaps it.
/// </summary>
internal static class InitStageLaunch
{
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(60);

    /// <param name="descriptors">The stage's stdio; fd 3 is added.</param>
    /// <param name="spawn">Spawns the stage with the descriptors it is given and returns its pid.</param>
    /// <param name="beforeGo">Runs while the stage waits for "go".</param>
    public static ChildProcess Start(IReadOnlyDictionary<int, SafeFileHandle> descriptors,
        Func<IReadOnlyDictionary<int, SafeFileHandle>, int> spawn, Action<ChildProcess> beforeGo)
    {
        var (parentEnd, childEnd) = Descriptors.CreateSocketPair();
        using var sync = parentEnd;
        ChildProcess stage;
        using (childEnd)
        {
            stage = ChildProcess.Adopt(spawn(new Dictionary<int, SafeFileHandle>(descriptors) { [InitSyncChannel.ChildDescriptor] = childEnd }));
        }
        try
        {
            beforeGo(stage);
            InitSyncChannel.SendGo(sync);
            if (InitSyncChannel.ReadOutcome(sync, InitTimeout) is { } failure)
            {
                throw new InitStageException(failure.Failure, failure.Message);
            }
            return stage;
        }
        catch
        {
            stage.Dispose();
            throw;
        }
    }
}
