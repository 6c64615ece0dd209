using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Container;

/// <summary>
/// The argv of a container, as Kubernetes defines it: a CRI <c>command</c> replaces the image's
/// ENTRYPOINT and <c>args</c> replaces its CMD; without a command, the image ENTRYPOINT runs with
/// <c>args</c> or else the image CMD.
/// </summary>
public static class ContainerCommandLine
{
    public static IReadOnlyList<string> Merge(
        IReadOnlyList<string> command, IReadOnlyList<string> args, IReadOnlyList<string>? entrypoint, IReadOnlyList<string>? cmd)
    {
        IReadOnlyList<string> argv = command.Count > 0
            ? [.. command, .. args]
            : [.. entrypoint ?? [], .. args.Count > 0 ? args : cmd ?? []];
        return argv.Count > 0
            ? argv
            : throw new InvalidArgumentException("the container has nothing to run: no command or args in its config and no ENTRYPOINT or CMD in its image");
    }
}
