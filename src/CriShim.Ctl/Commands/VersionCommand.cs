using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

internal sealed class VersionCommand : ICommand
{
    public string Name => "version";
    public string Summary => "Display runtime version information";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var v = await context.Cri.Runtime.VersionAsync(new VersionRequest { Version = "v1" }, context.Call());
        context.Output.WriteLine($"Version:  {v.Version}");
        context.Output.WriteLine($"RuntimeName:  {v.RuntimeName}");
        context.Output.WriteLine($"RuntimeVersion:  {v.RuntimeVersion}");
        context.Output.WriteLine($"RuntimeApiVersion:  {v.RuntimeApiVersion}");
        return 0;
    }
}
