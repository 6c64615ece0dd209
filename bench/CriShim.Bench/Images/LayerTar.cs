using System.Formats.Tar;
using System.Text;

namespace CriShim.Bench.Images;

/// <summary>Builds one layer's PAX tar: entries owned by root and dated 2024-01-01.</summary>
public sealed class LayerTar : IDisposable
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly MemoryStream _stream = new();
    private readonly TarWriter _writer;

    public LayerTar() => _writer = new TarWriter(_stream, TarEntryFormat.Pax, leaveOpen: true);

    public void Directory(string name, UnixFileMode mode = (UnixFileMode)0x1ED) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });

    public void File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content), (UnixFileMode)0x1A4);

    public void File(string name, byte[] content, UnixFileMode mode) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = new MemoryStream(content) });

    public void Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0x1FF });

    /// <summary>Finishes the archive and returns its bytes.</summary>
    public byte[] ToArray()
    {
        _writer.Dispose();
        return _stream.ToArray();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    private void Add(PaxTarEntry entry)
    {
        entry.Uid = 0;
        entry.Gid = 0;
        entry.ModificationTime = Epoch;
        _writer.WriteEntry(entry);
    }
}
