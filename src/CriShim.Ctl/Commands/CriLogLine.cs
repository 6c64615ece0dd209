using System.Text;

namespace CriShim.Ctl.Commands;

/// <summary>One line of a CRI log file: <c>&lt;RFC3339Nano&gt; &lt;stdout|stderr&gt; &lt;P|F&gt; &lt;content&gt;</c>.</summary>
internal readonly record struct CriLogLine(string Timestamp, bool IsStderr, bool IsPartial, ReadOnlyMemory<byte> Content)
{
    /// <summary>Parses a line without its trailing newline; null when it is not in the CRI format.</summary>
    public static CriLogLine? Parse(ReadOnlyMemory<byte> line)
    {
        var span = line.Span;
        var first = span.IndexOf((byte)' ');
        if (first < 0)
        {
            return null;
        }
        var rest = span[(first + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second < 0)
        {
            return null;
        }
        var stream = rest[..second];
        var isStderr = stream.SequenceEqual("stderr"u8);
        if (!isStderr && !stream.SequenceEqual("stdout"u8))
        {
            return null;
        }
        var afterStream = rest[(second + 1)..];
        var third = afterStream.IndexOf((byte)' ');
        var tag = third < 0 ? afterStream : afterStream[..third];
        var contentStart = first + 1 + second + 1 + (third < 0 ? afterStream.Length : third + 1);
        return new CriLogLine(
            Encoding.ASCII.GetString(span[..first]),
            isStderr,
            tag.Length > 0 && tag[0] == (byte)'P',
            line[Math.Min(contentStart, line.Length)..]);
    }
}
