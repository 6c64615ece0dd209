namespace CriShim.Runtime.Container;

/// <summary>
/// The persistent files of one container under <c>{root}/containers/&lt;id&gt;/</c>: its writable
/// layer (<c>upper</c>, <c>work</c>), the empty directory its rootfs is mounted on (inside its own
/// mount namespace only) and the execution spec.
/// </summary>
public sealed record ContainerDirectory(string Path)
{
    public string Upper => System.IO.Path.Combine(Path, "upper");
    public string Work => System.IO.Path.Combine(Path, "work");
    public string Rootfs => System.IO.Path.Combine(Path, "rootfs");
    public string Spec => System.IO.Path.Combine(Path, "spec.json");
}
