using System.Text.Json;
using CriShim.Contract;

namespace CriShim.Runtime.Container;

/// <summary>
/// The volatile files of one container under <c>{state}/containers/&lt;id&gt;/</c>, written by its
/// monitor: <c>started.json</c> once the command runs, <c>exit.json</c> once it ended and its output
/// is in the log (both written atomically, so a file that exists is complete), and its attach socket.
/// </summary>
public sealed record ContainerStateDirectory(string Path)
{
    public static ContainerStateDirectory For(string stateRoot, string id) => new(System.IO.Path.Combine(stateRoot, "containers", id));

    public string Started => System.IO.Path.Combine(Path, ContainerStateFiles.Started);
    public string Exit => System.IO.Path.Combine(Path, ContainerStateFiles.Exit);

    /// <summary>The monitor's attach socket (monitors of daemons before streaming have none).</summary>
    public string AttachSocket => System.IO.Path.Combine(Path, ContainerStateFiles.AttachSocket);

    public ContainerStartedRecord? ReadStarted() => Read(Started, ContainerJsonContext.Default.ContainerStartedRecord);

    public ContainerExitRecord? ReadExit() => Read(Exit, ContainerJsonContext.Default.ContainerExitRecord);

    private static T? Read<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        // List and status calls look for exit.json of every running container: a stat is far cheaper than a thrown FileNotFoundException.
        if (!File.Exists(file))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), type);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
