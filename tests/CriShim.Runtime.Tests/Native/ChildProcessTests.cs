using System.Globalization;
using CriShim.Native;

namespace CriShim.Runtime.Tests.Native;

/// <summary>The owned child handle against real processes (<c>/bin/sleep</c>, <c>/bin/sh</c>).</summary>
public sealed class ChildProcessTests
{
    [Fact]
    public void Disposing_a_running_child_kills_and_reaps_it()
    {
        var child = Spawn("/bin/sleep", "60");
        var pid = child.Pid;

        child.Dispose();

        Assert.False(Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}"), "the child is still there (running or a zombie)");
    }

    [Fact]
    public void A_child_is_reaped_once_and_then_takes_no_signal()
    {
        using var child = Spawn("/bin/sh", "-c", "exit 3");

        var exit = child.WaitForExit();

        Assert.Equal(3, exit.ExitCode);
        Assert.Equal(exit, child.WaitForExit());
        Assert.Equal(exit, child.TryReap());
        Assert.False(child.Signal(Signals.SIGKILL));
    }

    [Fact]
    public void Waiting_with_a_deadline_gives_null_while_it_runs_and_the_signal_once_killed()
    {
        using var child = Spawn("/bin/sleep", "60");

        Assert.Null(child.WaitForExit(DescriptorPoll.Deadline(TimeSpan.FromMilliseconds(100))));
        Assert.Null(child.TryReap());
        Assert.True(child.Signal(Signals.SIGTERM));

        Assert.Equal(128 + Signals.SIGTERM, child.WaitForExit().ExitCode);
    }

    [Fact]
    public async Task A_captured_child_hands_over_stdout_stderr_and_its_exit()
    {
        using var child = CapturedChild.Start("/bin/sh", ["/bin/sh", "-c", "echo ready; echo out; echo err >&2; exit 5"], []);

        Assert.Equal("ready", await child.FirstLine.WaitAsync(TimeSpan.FromSeconds(10)));
        var output = await child.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(("ready\nout\n", "err\n", 5), (output.Stdout, output.Stderr, output.Exit.ExitCode));
    }

    private static ChildProcess Spawn(params string[] argv) => new ProcessSpawner { Path = argv[0], Args = argv }.Start();
}
