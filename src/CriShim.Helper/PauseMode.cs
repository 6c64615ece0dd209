using System.Text.Json;
using CriShim.Native;
using CriShim.Native.Protocol;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper;

/// <summary>
/// The pod's infra process: holds the pod's namespaces, reaps orphans (it is PID 1 of a shared PID
/// namespace) and exits 0 on SIGTERM or SIGINT. Signals arrive through a signalfd, never a handler.
/// <c>pause</c> builds its confined root (<see cref="PauseRoot"/>) and execs <c>pause-confined</c>, which runs.
/// </summary>
internal static class PauseMode
{
    private static readonly int[] Handled = [Signals.SIGTERM, Signals.SIGINT, Signals.SIGCHLD, Signals.SIGHUP];

    /// <summary>The argument that says a seccomp program waits on <see cref="SeccompDescriptor"/>.</summary>
    public const string SeccompArgument = "seccomp-fd";

    public const int SeccompDescriptor = 3;

    public static int Run(bool seccomp)
    {
        // The runtime's own threads started with this mask; only a fresh image makes all of them inherit
        // the blocked signals (and the confined root), so block on this thread and exec.
        Signals.Block(Handled);
        var lastCapability = PauseRoot.Enter();
        Processes.Exec(PauseRoot.Binary, [.. PauseRoot.ConfinedArgs(lastCapability), .. seccomp ? [SeccompArgument] : Array.Empty<string>()], []);
        return 1;
    }

    public static int RunConfined(int lastCapability, bool seccomp)
    {
        PauseRoot.Seal(lastCapability);
        if (seccomp)
        {
            LoadSeccomp();
        }
        using var signals = new SignalFd(Handled);
        CodePages.ReleaseResident();
        while (true)
        {
            switch (signals.Read())
            {
                case Signals.SIGCHLD:
                    Processes.ReapChildren();
                    break;
                case Signals.SIGTERM or Signals.SIGINT:
                    return 0;
            }
        }
    }

    /// <summary>The pod's filter, sent by sandbox-init, for every thread of pause.</summary>
    private static void LoadSeccomp()
    {
        SeccompProgram program;
        using (var pipe = new FileStream(new SafeFileHandle(SeccompDescriptor, ownsHandle: true), FileAccess.Read))
        {
            program = JsonSerializer.Deserialize(pipe, HelperJsonContext.Default.SeccompProgram)
                ?? throw new InvalidDataException("sandbox-init sent no seccomp program");
        }
        ThreadSeccomp.LoadFilter(program, allThreads: true);
    }

    /// <summary>The signals pause expects blocked when it starts (sandbox-init spawns it so).</summary>
    public static IReadOnlyList<int> BlockedSignals => Handled;
}
