using System.Diagnostics;
using CriShim.Ctl.Commands;

namespace CriShim.Ctl.Tests.Commands;

public sealed class CompletionCommandTests
{
    [Fact]
    public void The_bash_script_completes_commands_and_global_flags()
    {
        var script = CompletionCommand.Bash(["stats", "events", "ps"]);

        Assert.Contains("compgen -W \"events ps stats --runtime-endpoint --timeout --help\"", script);
        Assert.Contains("complete -F _crishimctl crishimctl", script);
    }

    [Fact]
    public void Bash_completes_a_prefix_with_the_script()
    {
        if (!File.Exists("/bin/bash"))
        {
            return;
        }
        var script = CompletionCommand.Bash(["stats", "statsp", "events"]);
        var info = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var bash = Process.Start(info)!;
        bash.StandardInput.Write(script + "COMP_WORDS=(crishimctl sta); COMP_CWORD=1; _crishimctl; echo \"${COMPREPLY[*]}\"\n");
        bash.StandardInput.Close();

        Assert.Equal("stats statsp", bash.StandardOutput.ReadToEnd().Trim());
        bash.WaitForExit();
    }
}
