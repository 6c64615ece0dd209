namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl completion bash</c>: a bash completion script for the commands and global flags.</summary>
internal sealed class CompletionCommand(IEnumerable<ICommand> commands) : ICommand
{
    public static readonly string[] GlobalFlags = ["--runtime-endpoint", "--timeout", "--help"];

    public string Name => "completion";
    public string Summary => "Print a shell completion script: completion bash (source <(crishimctl completion bash))";

    public Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        if (args is not ["bash"])
        {
            throw new ArgumentException("usage: crishimctl completion bash (only bash is supported)");
        }
        context.Output.Write(Bash(commands.Select(c => c.Name)));
        return Task.FromResult(0);
    }

    public static string Bash(IEnumerable<string> names) => $$"""
        # bash completion for crishimctl: source <(crishimctl completion bash)
        _crishimctl() {
            local cur=${COMP_WORDS[COMP_CWORD]} i
            for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in
                    --runtime-endpoint|--timeout) ((i++)) ;;
                    -*) ;;
                    *) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                esac
            done
            COMPREPLY=($(compgen -W "{{string.Join(' ', names.Order(StringComparer.Ordinal))}} {{string.Join(' ', GlobalFlags)}}" -- "$cur"))
        }
        complete -F _crishimctl crishimctl

        """;
}
