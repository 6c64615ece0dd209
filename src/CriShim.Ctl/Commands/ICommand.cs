namespace CriShim.Ctl.Commands;

/// <summary>One crictl-style subcommand.</summary>
internal interface ICommand
{
    string Name { get; }
    string Summary { get; }
    Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args);
}
