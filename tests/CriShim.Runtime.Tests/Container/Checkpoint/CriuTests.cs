using CriShim.Runtime.Container.Checkpoint;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Tests.Container.Checkpoint;

public sealed class CriuTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Without_criu_a_checkpoint_asks_to_install_it()
    {
        var error = await Assert.ThrowsAsync<FailedPreconditionException>(() => new Criu(_dir.Combine("no-criu")).EnsureUsableAsync());

        Assert.Contains("install criu", error.Message);
    }

    [Fact]
    public async Task A_failed_check_gives_criu_s_reason_and_runs_once()
    {
        // A stand-in for criu on a kernel it does not know: it counts its runs and fails as criu 3.17 does on 6.18.
        var runs = _dir.Combine("runs");
        var script = _dir.Combine("criu");
        File.WriteAllText(script, $"#!/bin/sh\necho x >> {runs}\necho 'Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable' >&2\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var criu = new Criu(script);

        var first = await Assert.ThrowsAsync<FailedPreconditionException>(criu.EnsureUsableAsync);
        var second = await Assert.ThrowsAsync<FailedPreconditionException>(criu.EnsureUsableAsync);

        Assert.Contains("vdso: Failed to fill self vdso symtable", first.Message);
        Assert.DoesNotContain("criu/vdso.c", first.Message);
        Assert.Equal(first.Message, second.Message);
        Assert.Single(File.ReadAllLines(runs));
    }

    [Theory]
    [InlineData("(00.1) Error (criu/cr-dump.c:1) a\nWarn b\n(00.2) Error (criu/mount.c:2): mnt: no root\n", "mnt: no root")]
    [InlineData("Looks good.\n", "Looks good.")]
    [InlineData("", "exit code 3")]
    public void The_reason_is_criu_s_error_lines(string output, string reason) => Assert.EndsWith(reason, Criu.Reason(output, 3));
}
