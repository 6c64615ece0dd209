using System.Diagnostics;
using System.Text.RegularExpressions;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;

namespace CriShim.NativeTests;

/// <summary>
/// The real crictl (v1.26.1: CRICTL, PATH or ../shared/tools/bin/crictl) drives the daemon through the README's
/// crictl walkthrough, run as the README has it: only the socket is the test daemon's, <c>docker.io</c> comes
/// from a registries.conf mirror and the pod network is a private CNI network.
/// </summary>
public sealed class CrictlTests
{
    private const string ReadmeEndpoint = "unix:///run/crishim/crishim.sock";
    private const string LogDirectory = "/tmp/crishim-hello";

    [CrictlFact]
    public async Task The_READMEs_crictl_walkthrough_runs_unchanged()
    {
        var script = ReadmeWalkthrough();
        Assert.Contains(ReadmeEndpoint, script);
        await using var registry = await TestRegistry.StartAsync();
        await TestImages.Busybox().PushAsync(registry, "library/busybox", "1.36");
        await using var daemon = await DaemonProcess.StartAsync();
        await daemon.RestartWithRegistriesConfAsync($"""
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            [[registry.mirror]]
            location = "{registry.Host}"
            insecure = true
            """);
        await using var network = await TestCniNetwork.CreateAsync(daemon.CniConfDir, daemon.WorkDir, "crishimcrictl", "crishimcri0", "10.99.141.0/24");
        var workDir = Directory.CreateTempSubdirectory("crishim-crictl-").FullName;
        try
        {
            var (code, output) = await RunAsync(script.Replace(ReadmeEndpoint, "unix://" + daemon.Socket), workDir);

            Assert.True(code == 0, $"the walkthrough exited {code}:\n{output}\n--- daemon ---\n{daemon.Log}");
            Assert.Contains("RuntimeName:  crishim", output);
            Assert.Contains("\"RuntimeReady\"", output);
            Assert.Contains("Image is up to date for sha256:", output);
            Assert.Matches(new Regex(@"docker\.io/library/busybox\s+1\.36\s+[0-9a-f]{13}"), output);
            Assert.Matches(new Regex(@"\s+Ready\s+hello\s+default\s+0\s+\(default\)"), output);
            Assert.Matches(new Regex(@"docker\.io/library/busybox:1\.36\s+.*Running\s+hello\s+0\s+[0-9a-f]{13}"), output);
            Assert.Contains("\nhello\n", output);
            Assert.Contains("hello from crishim\n", output);
            Assert.Contains("\"state\": \"CONTAINER_RUNNING\"", output);
            Assert.Matches(new Regex(@"Stopped sandbox [0-9a-f]{64}"), output);
            Assert.Matches(new Regex(@"Removed sandbox [0-9a-f]{64}"), output);
            Assert.Contains("Deleted: docker.io/library/busybox:1.36", output);
            Assert.Empty((await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
            Assert.Empty((await daemon.Images.ListImagesAsync(new ListImagesRequest())).Images);
            Assert.Empty(network.AllocatedIps());
        }
        finally
        {
            foreach (var pod in (await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
            {
                await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
            }
            Directory.Delete(workDir, recursive: true);
            if (Directory.Exists(LogDirectory))
            {
                Directory.Delete(LogDirectory, recursive: true);
            }
        }
    }

    /// <summary>The sh block after the README's crictl walkthrough marker.</summary>
    private static string ReadmeWalkthrough()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var marker = readme.IndexOf("<!-- crictl walkthrough:", StringComparison.Ordinal);
        Assert.True(marker >= 0, "README.md has no crictl walkthrough marker");
        var start = readme.IndexOf("```sh\n", marker, StringComparison.Ordinal) + "```sh\n".Length;
        return readme[start..readme.IndexOf("\n```", start, StringComparison.Ordinal)] + "\n";
    }

    /// <summary>bash -e with the script on stdin, crictl first on PATH, in <paramref name="workDir"/>; stdout and stderr together.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string script, string workDir)
    {
        var bin = Directory.CreateDirectory(Path.Combine(workDir, ".bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "crictl"), KubernetesTools.Find("crictl", "CRICTL")!);
        var info = new ProcessStartInfo("bash", ["-e", "-x", "-s"])
        {
            WorkingDirectory = workDir,
        };
        info.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        info.Environment.Remove("CONTAINER_RUNTIME_ENDPOINT");
        return await Shell.RunInterleaved(info, TimeSpan.FromMinutes(2), script);
    }
}

/// <summary>A test that needs root and crictl; skipped, saying which is missing, otherwise.</summary>
public sealed class CrictlFactAttribute : FactAttribute
{
    public CrictlFactAttribute()
    {
        if (KubernetesTools.WhyNot("crictl", "CRICTL") is { } reason)
        {
            Skip = reason;
        }
    }
}
