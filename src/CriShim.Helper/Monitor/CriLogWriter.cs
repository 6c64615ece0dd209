using System.Globalization;
using System.Text;

namespace CriShim.Helper.Monitor;

/// <summary>
/// The CRI log file: <c>&lt;RFC3339Nano&gt; &lt;stream&gt; &lt;F|P&gt; &lt;content&gt;\n</c>, one record per line
/// of output, as containerd's cri/io logger writes it: a trailing "\r\n" or "\n" is dropped, a line
/// longer than the maximum becomes P records of exactly that size and an F record for the rest, and
/// output that ends without a newline is written as P. Streams share the file under one lock;
/// <see cref="Reopen"/> starts a new file at the same path (kubelet rotated the old one).
/// </summary>
internal sealed class CriLogWriter : IDisposable
{
    private readonly string? _path;
    /// <summary>Timestamp (at most 30 bytes), stream name, flag and the three spaces between them.</summary>
    private const int MaxHeaderBytes = 48;

    private readonly Lock _lock = new();
    private FileStream? _file;
    private byte[] _record = new byte[4096];

    public CriLogWriter(string? path)
    {
        _path = path;
        _file = Open(path);
    }

    public void Reopen()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = Open(_path);
        }
    }

    public void Write(string stream, bool partial, ReadOnlySpan<byte> content)
    {
        lock (_lock)
        {
            // One record buffer, grown only for a longer line than any before: nothing allocated per record.
            var size = MaxHeaderBytes + content.Length + 1;
            if (_record.Length < size)
            {
                _record = new byte[size];
            }
            var record = _record.AsSpan();
            // Go's RFC3339Nano: up to nine fraction digits without trailing zeros (and no dot for a whole second).
            DateTime.UtcNow.TryFormat(record, out var length, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            record[length++] = (byte)' ';
            length += Encoding.ASCII.GetBytes(stream, record[length..]);
            record[length++] = (byte)' ';
            record[length++] = partial ? (byte)'P' : (byte)'F';
            record[length++] = (byte)' ';
            content.CopyTo(record[length..]);
            length += content.Length;
            record[length++] = (byte)'\n';
            try
            {
                _file?.Write(record[..length]);
                _file?.Flush();
            }
            catch (IOException)
            {
                // Like containerd: keep draining the container's output even when the log cannot be written.
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private static FileStream? Open(string? path) =>
        path is null ? null : new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
}
