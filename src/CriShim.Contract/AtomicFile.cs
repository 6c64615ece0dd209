using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CriShim.Native;

namespace CriShim.Contract;

/// <summary>
/// Crash-safe file replacement: write a temporary sibling, fsync it, rename it over the target and
/// fsync the directory. A crash leaves either the old or the new content, plus at worst a stray
/// <c>.tmp</c> file that readers ignore.
/// </summary>
public static class AtomicFile
{
    public const string TemporarySuffix = ".tmp";

    /// <summary>Writes <paramref name="record"/> as JSON (source-generated, so the NativeAOT helper can write records too).</summary>
    public static void Write<T>(string path, T record, JsonTypeInfo<T> type) => Write(path, JsonSerializer.SerializeToUtf8Bytes(record, type));

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        FileSystem.SyncDirectory(directory);
    }

    /// <summary>Deletes a file and makes the deletion durable; a missing file is fine.</summary>
    public static void Delete(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }
        File.Delete(path);
        FileSystem.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    public static bool IsTemporary(string path) => path.EndsWith(TemporarySuffix, StringComparison.Ordinal);
}
