using System.Net.Sockets;
using CriShim.Native;

namespace CriShim.Api.Hosting;

/// <summary>
/// The CRI socket file: a stale one left by a crash is replaced, a live server on it is refused,
/// and the socket is created 0660 root:root.
/// </summary>
internal static class UnixSocketEndpoint
{
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>Makes <paramref name="path"/> free to bind, or throws when something serves on it.</summary>
    public static void Claim(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var kind = FileSystem.KindOf(path);
        if (kind is null)
        {
            return;
        }
        if (kind != UnixFileKind.Socket)
        {
            throw new IOException($"{path} exists and is not a socket; remove it or choose another --listen");
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }
        throw new IOException($"another server is already listening on {path}; stop it or choose another --listen");
    }

    /// <summary>Binds with a umask that yields mode 0660, so the socket is never briefly world-accessible.</summary>
    public static async Task BindAsync(string path, Func<Task> start)
    {
        var previous = FileSystem.SetUmask(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        try
        {
            await start();
        }
        finally
        {
            FileSystem.SetUmask(previous);
        }
        File.SetUnixFileMode(path, SocketMode);
        FileSystem.Chown(path, 0, 0);
    }
}
