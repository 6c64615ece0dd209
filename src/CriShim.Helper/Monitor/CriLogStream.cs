using CriShim.Helper.Stdio;

namespace CriShim.Helper.Monitor;

/// <summary>Reads one of the container's output streams to its end and cuts it into CRI log records.</summary>
internal sealed class CriLogStream(CriLogWriter writer, string stream, int maxLineBytes)
{
    private readonly List<byte> _line = [];

    /// <summary>Copies from <paramref name="fd"/> until end of file, handing each chunk to <paramref name="tee"/> after logging it.</summary>
    public void Pump(int fd, OutputChunk tee)
    {
        OutputReader.Drain(fd, chunk =>
        {
            Append(chunk);
            tee(chunk);
        });
        if (_line.Count > 0)
        {
            writer.Write(stream, partial: true, _line.ToArray());
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                var end = _line.Count > 0 && _line[^1] == (byte)'\r' ? _line.Count - 1 : _line.Count;
                writer.Write(stream, partial: false, _line.GetRange(0, end).ToArray());
                _line.Clear();
                continue;
            }
            _line.Add(b);
            // A trailing '\r' may still turn out to be part of "\r\n", so it does not count yet.
            var counted = _line[^1] == (byte)'\r' ? _line.Count - 1 : _line.Count;
            if (counted > maxLineBytes)
            {
                writer.Write(stream, partial: true, _line.GetRange(0, maxLineBytes).ToArray());
                _line.RemoveRange(0, maxLineBytes);
            }
        }
    }
}
