using System.Text.Json;
using CriShim.Contract;

namespace CriShim.Runtime.Container.Checkpoint;

/// <summary>
/// The JSON files of a container checkpoint archive, with the names and fields CRI-O and Podman write and
/// checkpointctl reads: <c>config.dump</c> (id, name, the rootfs image by name and ID, runtime, times) and
/// <c>spec.dump</c> (an OCI runtime spec of what ran: process, mounts, annotations with the kubelet's labels).
/// A restore needs only the image ID of config.dump; the rest describes the checkpoint to people and tools.
/// </summary>
public static class CheckpointMetadata
{
    public const string ConfigDump = "config.dump";
    public const string SpecDump = "spec.dump";
    public const string RootfsDiff = "rootfs-diff.tar";
    public const string ImagesDirectory = "checkpoint";
    public const string StatsDump = "stats-dump";

    /// <summary>runc's name for the targets of the init's fds 0-2 at dump time, which a restore hands new ones for.</summary>
    public const string Descriptors = "descriptors.json";

    /// <summary>crishim's list of the mount points the dump declared external, each of which a restore must bind.</summary>
    public const string ExternalMounts = "crishim-external-mounts.json";

    public const string RuntimeName = "crishim";

    public static byte[] Config(ContainerRecord record, DateTimeOffset checkpointedAt) => Json(w =>
    {
        w.WriteString("id", record.Id);
        w.WriteString("name", record.Name);
        w.WriteString("rootfsImage", record.Image);
        w.WriteString("rootfsImageRef", record.ImageId);
        w.WriteString("rootfsImageName", record.Image);
        w.WriteString("runtime", RuntimeName);
        w.WriteString("createdTime", DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAt / 1_000_000));
        w.WriteString("checkpointedTime", checkpointedAt);
    });

    /// <summary>The image ID a checkpoint's container ran (config.dump's <c>rootfsImageRef</c>).</summary>
    public static string ImageIdOf(byte[] configDump)
    {
        using var document = JsonDocument.Parse(configDump);
        return document.RootElement.TryGetProperty("rootfsImageRef", out var id) && id.GetString() is { Length: > 0 } value
            ? value
            : throw new InvalidDataException($"{ConfigDump} names no rootfsImageRef");
    }

    public static byte[] Spec(ContainerRecord record, ContainerProcessSpec spec) => Json(w =>
    {
        w.WriteString("ociVersion", "1.0.2");
        w.WriteStartObject("process");
        w.WriteBoolean("terminal", spec.Process.Tty);
        w.WriteStartObject("user");
        w.WriteNumber("uid", spec.Process.User.Uid);
        w.WriteNumber("gid", spec.Process.User.Gid);
        w.WriteEndObject();
        Strings(w, "args", spec.Process.Args);
        Strings(w, "env", spec.Process.Env);
        w.WriteString("cwd", spec.Process.WorkingDirectory);
        w.WriteEndObject();
        w.WriteStartObject("root");
        w.WriteString("path", "rootfs");
        w.WriteBoolean("readonly", spec.Rootfs.Readonly);
        w.WriteEndObject();
        w.WriteStartArray("mounts");
        foreach (var (destination, source) in CriuExternalMounts.Sources(spec))
        {
            w.WriteStartObject();
            w.WriteString("destination", destination);
            w.WriteString("type", "bind");
            w.WriteString("source", source);
            Strings(w, "options", ["rbind"]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("annotations");
        foreach (var (key, value) in record.Annotations.Concat(record.Labels).DistinctBy(p => p.Key))
        {
            w.WriteString(key, value);
        }
        w.WriteString("io.container.manager", RuntimeName);
        w.WriteEndObject();
    });

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
