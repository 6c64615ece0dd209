using System.Text;
using CriShim.Native;
using CriShim.NativeTests.Infrastructure;
using CriShim.Runtime.Container;

namespace CriShim.NativeTests.Container;

/// <summary>
/// The daemon reads a container's /etc/passwd and /etc/group from the image layers without
/// mounting them; whiteouts (0:0 character devices) and opaque directories (a trusted xattr) need root.
/// </summary>
public sealed class ImageLayerViewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("crishim-layers-").FullName;

    private string Layer(string name)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(path, "etc"));
        return path;
    }

    [RootFact]
    public void Upper_files_win_and_whiteouts_hide_lower_ones()
    {
        var lower = Layer("lower");
        var upper = Layer("upper");
        File.WriteAllText(Path.Combine(lower, "etc/passwd"), "lower\n");
        File.WriteAllText(Path.Combine(lower, "etc/group"), "lower\n");
        File.WriteAllText(Path.Combine(upper, "etc/passwd"), "upper\n");
        FileNodes.CreateCharacterDevice(Path.Combine(upper, "etc/group"), (UnixFileMode)0, 0, 0);

        var view = new ImageLayerView([upper, lower]);

        Assert.Equal("upper\n", Encoding.UTF8.GetString(view.ReadFile("/etc/passwd")!));
        Assert.Null(view.ReadFile("/etc/group"));
    }

    [RootFact]
    public void Opaque_directories_hide_everything_below_them()
    {
        var lower = Layer("lower");
        var upper = Layer("upper");
        File.WriteAllText(Path.Combine(lower, "etc/passwd"), "lower\n");
        File.WriteAllText(Path.Combine(lower, "etc/group"), "lower\n");
        File.WriteAllText(Path.Combine(upper, "etc/group"), "upper\n");
        FileNodes.SetXattr(Path.Combine(upper, "etc"), "trusted.overlay.opaque", "y"u8);

        var view = new ImageLayerView([upper, lower]);

        Assert.Null(view.ReadFile("/etc/passwd"));
        Assert.Equal("upper\n", Encoding.UTF8.GetString(view.ReadFile("/etc/group")!));
    }

    [RootFact]
    public void Symlinks_are_followed_inside_the_image_never_onto_the_host()
    {
        var lower = Layer("lower");
        var upper = Layer("upper");
        Directory.CreateDirectory(Path.Combine(lower, "real"));
        File.WriteAllText(Path.Combine(lower, "real/passwd"), "image\n");
        // /etc/passwd -> ../../../../../../real/passwd must land on the image's /real/passwd.
        File.CreateSymbolicLink(Path.Combine(upper, "etc/passwd"), "../../../../../../real/passwd");
        // /etc/group -> /etc/shadow-like host file must not be read from the host.
        File.CreateSymbolicLink(Path.Combine(upper, "etc/group"), "/etc/hostname");

        var view = new ImageLayerView([upper, lower]);

        Assert.Equal("image\n", Encoding.UTF8.GetString(view.ReadFile("/etc/passwd")!));
        Assert.Null(view.ReadFile("/etc/group"));
    }

    [RootFact]
    public void A_lower_symlinked_directory_under_an_upper_directory_is_not_followed()
    {
        var lower = Layer("lower");
        var upper = Layer("upper");
        Directory.Delete(Path.Combine(lower, "etc"));
        File.CreateSymbolicLink(Path.Combine(lower, "etc"), "/etc");
        File.WriteAllText(Path.Combine(upper, "etc/group"), "upper\n");

        var view = new ImageLayerView([upper, lower]);

        Assert.Null(view.ReadFile("/etc/passwd"));
        Assert.Equal("upper\n", Encoding.UTF8.GetString(view.ReadFile("/etc/group")!));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
