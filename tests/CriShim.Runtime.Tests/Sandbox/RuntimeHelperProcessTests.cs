using System.Globalization;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Runtime.Sandbox;

namespace CriShim.Runtime.Tests.Sandbox;

/// <summary>
/// The launcher against real executables: small shell scripts standing in for <c>crishim-runtime</c>, each
/// given the mode and arguments as the helper would be.
/// </summary>
public sealed class RuntimeHelperProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_missing_binary_is_named_with_what_to_do()
    {
        var missing = new RuntimeHelperBinary(_dir.Combine("crishim-runtime"));

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => Run(missing, TimeSpan.FromSeconds(5)));

        Assert.Contains($"the runtime helper {missing.Path} is missing", error.Message);
        Assert.Contains("runtime_path", error.Message);
    }

    [Fact]
    public async Task The_answer_on_stdout_is_parsed_and_the_mode_and_arguments_reach_the_helper()
    {
        var helper = Script("""[ "$1 $2" = "sandbox-init request.json" ] || exit 3; echo '{"pausePid":42}'""");

        var answer = await Run(helper, TimeSpan.FromSeconds(10));

        Assert.Equal(42, answer.PausePid);
    }

    [Fact]
    public async Task A_helper_that_exits_without_an_answer_is_reported_with_its_exit_code_and_stderr()
    {
        var helper = Script("echo 'cannot unshare: Operation not permitted' >&2; exit 4");

        var error = await Assert.ThrowsAsync<IOException>(() => Run(helper, TimeSpan.FromSeconds(10)));

        Assert.Contains("sandbox-init exited 4 without an answer", error.Message);
        Assert.Contains("cannot unshare: Operation not permitted", error.Message);
    }

    [Fact]
    public async Task Garbage_on_stdout_is_no_answer_and_is_shown()
    {
        var helper = Script("printf '{\"pausePid\": 4'; echo 'Segmentation fault' >&2; exit 139");

        var error = await Assert.ThrowsAsync<IOException>(() => Run(helper, TimeSpan.FromSeconds(10)));

        Assert.Contains("exited 139 without an answer", error.Message);
        Assert.Contains("Segmentation fault", error.Message);
        Assert.Contains("{\"pausePid\": 4", error.Message);
    }

    [Fact]
    public async Task A_helper_past_its_timeout_is_killed_and_reaped()
    {
        var pidFile = _dir.Combine("pid");
        var helper = Script($"echo $$ > {pidFile}; exec sleep 60");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Run(helper, TimeSpan.FromMilliseconds(500)));

        Assert.Contains("sandbox-init did not answer within", error.Message);
        AssertReaped(pidFile);
    }

    [Fact]
    public async Task A_timeout_also_kills_what_the_helper_started_in_a_session_of_its_own()
    {
        var stageFile = _dir.Combine("stage");
        var helper = Script($"setsid sleep 60 & echo $! > {stageFile}; exec sleep 60");

        await Assert.ThrowsAsync<TimeoutException>(() => Run(helper, TimeSpan.FromMilliseconds(500)));

        var stage = ProcessIdentity.Find(ReadPid(stageFile));
        Assert.True(stage is null || Processes.WaitForExit(stage.Value, TimeSpan.FromSeconds(5)), "the helper's own child still runs");
    }

    [Fact]
    public async Task A_cancelled_call_kills_and_reaps_the_helper()
    {
        var pidFile = _dir.Combine("pid");
        var helper = Script($"echo $$ > {pidFile}; exec sleep 60");
        using var cancel = new CancellationTokenSource();

        var run = RuntimeHelperProcess.RunAsync(helper, "exec", ["spec.json"], HelperJsonContext.Default.SandboxInitResponse, null, cancel.Token);
        await WaitForFileAsync(pidFile);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        AssertReaped(pidFile);
    }

    [Fact]
    public async Task An_orphan_holding_the_pipes_does_not_hold_the_answer()
    {
        var orphanFile = _dir.Combine("orphan");
        var helper = Script($"sleep 60 & echo $! > {orphanFile}; echo '{{\"pausePid\":7}}'");
        try
        {
            var answer = await Run(helper, TimeSpan.FromSeconds(30));

            Assert.Equal(7, answer.PausePid);
        }
        finally
        {
            Processes.Signal(ReadPid(orphanFile), Signals.SIGKILL);
        }
    }

    [Fact]
    public async Task A_long_lived_helper_is_handed_over_once_ready_and_killed_by_its_owner()
    {
        var helper = Script("echo listening; exec sleep 60");

        var running = await RuntimeHelperProcess.StartReadyAsync(helper, "exec-stream", ["spec.json", "socket"], "listening", TimeSpan.FromSeconds(10), CancellationToken.None);
        using (running)
        {
            var output = await running.KillAsync();

            Assert.Equal(Signals.SIGKILL, output.Exit.Signal);
        }
        Assert.False(Directory.Exists($"/proc/{running.Pid.ToString(CultureInfo.InvariantCulture)}"));
    }

    [Fact]
    public async Task A_long_lived_helper_that_exits_before_it_is_ready_is_reported_with_its_stderr()
    {
        var helper = Script("echo 'exec-stream: listening on socket: Permission denied' >&2; exit 1");

        var error = await Assert.ThrowsAsync<IOException>(() =>
            RuntimeHelperProcess.StartReadyAsync(helper, "exec-stream", ["spec.json", "socket"], "listening", TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains("exec-stream exited 1 before it was ready: exec-stream: listening on socket: Permission denied", error.Message);
    }

    [Fact]
    public async Task A_long_lived_helper_not_ready_in_time_is_killed_and_reaped()
    {
        var pidFile = _dir.Combine("pid");
        var helper = Script($"echo $$ > {pidFile}; exec sleep 60");

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            RuntimeHelperProcess.StartReadyAsync(helper, "exec-stream", ["spec.json", "socket"], "listening", TimeSpan.FromMilliseconds(500), CancellationToken.None));

        Assert.Contains("was not ready within", error.Message);
        AssertReaped(pidFile);
    }

    private static Task<SandboxInitResponse> Run(RuntimeHelperBinary helper, TimeSpan timeout) =>
        RuntimeHelperProcess.RunAsync(helper, "sandbox-init", ["request.json"], HelperJsonContext.Default.SandboxInitResponse, timeout, CancellationToken.None);

    private RuntimeHelperBinary Script(string body)
    {
        var path = _dir.Combine($"helper-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new RuntimeHelperBinary(path);
    }

    /// <summary>Killed and reaped: no process, not even a zombie, under its pid.</summary>
    private static void AssertReaped(string pidFile) =>
        Assert.False(Directory.Exists($"/proc/{ReadPid(pidFile).ToString(CultureInfo.InvariantCulture)}"), "the helper is still there (running or a zombie)");

    private static int ReadPid(string file) => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    private static async Task WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(path) || File.ReadAllText(path).Trim().Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not appear");
            await Task.Delay(20);
        }
    }
}
