using CriShim.NativeTests.Infrastructure;

namespace CriShim.NativeTests.Image;

/// <summary>crishimctl's image commands against the real daemon: pull, images, inspecti, imagefsinfo, rmi.</summary>
[Collection("registry")]
public sealed class ImageCommandsTests(RegistryFixture fixture)
{
    [RootFact]
    public async Task Pull_list_inspect_fsinfo_and_remove_from_the_command_line()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var endpoint = "unix://" + daemon.Socket;
        var reference = fixture.Ref("test/busybox:uid");

        var pulled = await Ctl(endpoint, "pull", reference);
        Assert.Contains($"Image is up to date for {fixture.BusyboxWithUid.Id}", pulled);

        var images = await Ctl(endpoint, "images");
        Assert.Matches(@"IMAGE\s+TAG\s+IMAGE ID\s+SIZE", images);
        Assert.Contains($"{fixture.Registry.Host}/test/busybox", images);
        Assert.Contains(fixture.BusyboxWithUid.Id[7..20], images);
        Assert.Equal(fixture.BusyboxWithUid.Id, (await Ctl(endpoint, "images", "-q")).Trim());

        var inspect = await Ctl(endpoint, "inspecti", reference);
        Assert.Contains("\"imageSpec\"", inspect);
        Assert.Contains("\"1000:1000\"", inspect);

        Assert.Contains(Path.Combine(daemon.Root, "layers"), await Ctl(endpoint, "imagefsinfo"));

        Assert.Contains($"Deleted: {reference}", await Ctl(endpoint, "rmi", reference));
        Assert.Equal("", (await Ctl(endpoint, "images", "-q")).Trim());
    }

    private static Task<string> Ctl(string endpoint, params string[] args) =>
        Shell.Run(Repository.Binary("crishimctl"), ["--runtime-endpoint", endpoint, .. args]);
}
