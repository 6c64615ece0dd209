using CriShim.NativeTests.Container;
using CriShim.NativeTests.Infrastructure;
using CriShim.Protocol.V1;
using ProfileType = CriShim.Protocol.V1.SecurityProfile.Types.ProfileType;

namespace CriShim.NativeTests.Security;

/// <summary>
/// no_new_privs against a setuid-root program of our own (built here with <c>gcc -static</c>) run by
/// a non-root user: without it the kernel raises the effective uid to 0, with it the uid stays.
/// </summary>
[Collection("containers")]
public sealed class NoNewPrivilegesTests(ContainerImagesFixture images)
{
    private const string PrintEffectiveUid = """
        #include <stdio.h>
        #include <unistd.h>
        int main(void) { printf("euid=%d\n", (int)geteuid()); return 0; }
        """;

    private static async Task<string> PushSetuidImageAsync(ContainerImagesFixture images)
    {
        var build = Directory.CreateTempSubdirectory("crishim-setuid-");
        try
        {
            File.WriteAllText(Path.Combine(build.FullName, "euid.c"), PrintEffectiveUid);
            await Shell.Run("gcc", "-static", "-O2", "-o", Path.Combine(build.FullName, "euid"), Path.Combine(build.FullName, "euid.c"));
            var program = File.ReadAllBytes(Path.Combine(build.FullName, "euid"));
            var setuid = TestImages.Tar(w => w.File("bin/euid", program, UnixFileMode.SetUser | (UnixFileMode)0x1ED));
            var image = TestImages.Build([TestLayer.From(TestImages.BusyboxLayer()), TestLayer.From(setuid)]);
            await image.PushAsync(images.Registry, "test/setuid", "1");
            return $"{images.Registry.Host}/test/setuid:1";
        }
        finally
        {
            build.Delete(recursive: true);
        }
    }

    [RootFact]
    public async Task A_setuid_root_program_raises_the_effective_uid_only_without_no_new_privs()
    {
        var reference = await PushSetuidImageAsync(images);
        await using var scene = await ContainerScene.StartAsync(images);
        await scene.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = reference } });
        var (pod, podConfig) = await scene.PodAsync("scnnp");

        async Task<string> EffectiveUidAsync(string name, bool noNewPrivs, SecurityProfile? seccomp)
        {
            var config = scene.Config(name, "/bin/euid");
            config.Image.Image = reference;
            config.Linux.SecurityContext.RunAsUser = new Int64Value { Value = 1000 };
            config.Linux.SecurityContext.NoNewPrivs = noNewPrivs;
            config.Linux.SecurityContext.Seccomp = seccomp;
            var id = await scene.RunAsync(pod, podConfig, config);
            var exited = await scene.WaitExitedAsync(id);
            var log = Path.Combine(podConfig.LogDirectory, name, "0.log");
            Assert.True(exited.ExitCode == 0, $"{name} exited {exited.ExitCode}: {File.ReadAllText(log)}");
            return ContainerScene.LogContent(log).Trim();
        }

        var runtimeDefault = new SecurityProfile { ProfileType = ProfileType.RuntimeDefault };
        Assert.Equal("euid=0", await EffectiveUidAsync("plain", noNewPrivs: false, seccomp: null));
        Assert.Equal("euid=1000", await EffectiveUidAsync("nnp", noNewPrivs: true, seccomp: null));
        // A filter is loaded before the capabilities are dropped without no_new_privs, and last with it.
        Assert.Equal("euid=0", await EffectiveUidAsync("filtered", noNewPrivs: false, seccomp: runtimeDefault));
        Assert.Equal("euid=1000", await EffectiveUidAsync("filterednnp", noNewPrivs: true, seccomp: runtimeDefault));
    }
}
