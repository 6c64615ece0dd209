using CriShim.Contract;

namespace CriShim.Helper.Container;

/// <summary>A step before execve failed in a way the daemon should name precisely.</summary>
internal sealed class InitStageException(StartFailure failure, string message) : Exception(message)
{
    public StartFailure Failure { get; } = failure;
}
