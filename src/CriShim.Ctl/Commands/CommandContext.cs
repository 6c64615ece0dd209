using Grpc.Core;

namespace CriShim.Ctl.Commands;

/// <summary>What every command gets: the connection, the call deadline and where to print.</summary>
internal sealed class CommandContext(CriConnection connection, TimeSpan timeout, TextWriter output)
{
    public CriConnection Cri => connection;
    public TextWriter Output => output;

    public CallOptions Call() => new(deadline: DateTime.UtcNow + timeout);
}
