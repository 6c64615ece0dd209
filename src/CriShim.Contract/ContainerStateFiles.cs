namespace CriShim.Contract;

/// <summary>
/// The files of one container's state directory (<see cref="ContainerProcessSpec.StateDirectory"/>): the
/// monitor writes them, the daemon reads them, also after either side was restarted.
/// </summary>
public static class ContainerStateFiles
{
    /// <summary><see cref="ContainerStartedRecord"/>, written atomically once the command runs.</summary>
    public const string Started = "started.json";

    /// <summary><see cref="ContainerExitRecord"/>, written atomically once the container ended and its output is in the log.</summary>
    public const string Exit = "exit.json";

    /// <summary>The monitor's own diagnostics (its stderr).</summary>
    public const string MonitorLog = "monitor.log";

    /// <summary>The monitor's attach socket.</summary>
    public const string AttachSocket = "attach";
}
