namespace CriShim.Contract;

/// <summary>
/// The one message an init stage (container-init, exec-init) sends on its sync socket: why it could not
/// execve. A successful execve closes the socket (CLOEXEC), so end of file means the command runs.
/// </summary>
public sealed record InitStageFailure(StartFailure Failure, string Message);
