using CriShim.Helper.Stdio;

namespace CriShim.Helper.Monitor;

/// <summary>
/// Reads one of the container's output streams to its end and cuts it into CRI log records. The line being
/// assembled lives in one buffer allocated up front: the monitor allocates nothing per line of output.
/// </summary>
internal sealed class CriLogStream(CriLogWriter writer, string stream, int maxLineBytes)
{
    // A full line plus a held-back '\r' and the byte after it (see Append).
    private readonly byte[] _line = new byte[maxLineBytes + 2];
    private int _length;

    /// <summary>Copies from <paramref name="fd"/> until end of file, handing each chunk to <paramref name="tee"/> after logging it.</summary>
    public void Pump(int fd, OutputChunk tee)
    {
        OutputReader.Drain(fd, chunk =>
        {
            Append(chunk);
            tee(chunk);
        });
        if (_length > 0)
        {
            writer.Write(stream, partial: true, _line.AsSpan(0, _length));
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                var end = _length > 0 && _line[_length - 1] == (byte)'\r' ? _length - 1 : _length;
                writer.Write(stream, partial: false, _line.AsSpan(0, end));
                _length = 0;
                continue;
            }
            _line[_length++] = b;
            // A trailing '\r' may still turn out to be part of "\r\n", so it does not count yet.
            var counted = _line[_length - 1] == (byte)'\r' ? _length - 1 : _length;
            if (counted > maxLineBytes)
            {
                writer.Write(stream, partial: true, _line.AsSpan(0, maxLineBytes));
                _line.AsSpan(maxLineBytes, _length - maxLineBytes).CopyTo(_line);
                _length -= maxLineBytes;
            }
        }
    }
}
