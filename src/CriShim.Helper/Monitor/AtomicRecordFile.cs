using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CriShim.Native;

namespace CriShim.Helper.Monitor;

/// <summary>Writes a record so readers see the old file or the whole new one: temporary file, fsync, rename, directory fsync.</summary>
internal static class AtomicRecordFile
{
    public static void Write<T>(string path, T record, JsonTypeInfo<T> type)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, record, type);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        FileSystem.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
