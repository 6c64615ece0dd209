namespace CriShim.Native;

/// <summary>
/// A directory only root may enter (0700), made so explicitly: mkdir's mode is masked by the umask and an
/// existing directory keeps whatever mode it had. Everything below the daemon's --root and --state
/// (writable layers, specs, exit files, namespace pins) is out of reach of other users through it.
/// </summary>
public static class PrivateDirectory
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Create(string path)
    {
        Directory.CreateDirectory(path, Mode);
        File.SetUnixFileMode(path, Mode);
    }
}
