using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// Image layers bound id-mapped with a user namespace's mappings, for an overlay made of them. Overlayfs itself
/// cannot be id-mapped (mount_setattr refuses it), but its layers can, as containerd 2 does: each layer is bound
/// on a numbered directory of <see cref="Directory"/> (in the stage root, private) and the overlay names them
/// relative to it, so any number of layers fits the one page of mount data. The overlay keeps its own references
/// to its layers: <see cref="Dispose"/> unmounts the binds again once it is made.
/// </summary>
internal sealed class IdMappedLayers : IDisposable
{
    private readonly List<string> _names = [];

    private IdMappedLayers(string directory) => Directory = directory;

    /// <summary>Where the binds are: one directory per layer, named by its index, topmost first.</summary>
    public string Directory { get; }

    /// <summary>Binds every directory of <paramref name="layers"/> id-mapped on <paramref name="directory"/>/<c>index</c>.</summary>
    public static IdMappedLayers Bind(IReadOnlyList<string> layers, string directory, SafeFileHandle userNamespace)
    {
        var bound = new IdMappedLayers(System.IO.Directory.CreateDirectory(directory).FullName);
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var layer = IdMappedMounts.CloneDirectory(layers[i], userNamespace);
                using var on = ResolvedPaths.OpenHost(System.IO.Directory.CreateDirectory(Path.Combine(bound.Directory, name)).FullName);
                ContainerMounts.Attach(layer, on);
                bound._names.Add(name);
            }
            return bound;
        }
        catch
        {
            bound.Dispose();
            throw;
        }
    }

    /// <summary>An overlay of the bound layers on <paramref name="target"/>.</summary>
    /// <param name="writable">Its upper and work directories; null: a read-only overlay, which overlayfs makes only of two
    /// lower layers or more, so a single layer gets an empty directory (of the stage root, not id-mapped) below it.</param>
    public void MountOverlay(string target, MountFlags flags, (string Upper, string Work)? writable = null)
    {
        var lowers = _names.ToList();
        if (writable is null && lowers.Count == 1)
        {
            lowers.Add(System.IO.Directory.CreateDirectory(Path.Combine(Directory, "empty")).FullName);
        }
        ContainerMounts.ChangeDirectory(Directory);
        try
        {
            ContainerMounts.Mount("overlay", target, "overlay", flags, $"lowerdir={string.Join(':', lowers)}"
                + (writable is { } w ? $",upperdir={w.Upper},workdir={w.Work}" : ""));
        }
        finally
        {
            ContainerMounts.ChangeDirectory("/");
        }
    }

    public void Dispose()
    {
        foreach (var name in _names)
        {
            ContainerMounts.Unmount(Path.Combine(Directory, name));
        }
        _names.Clear();
    }
}
