using System.Buffers;
using System.Globalization;
using System.Text;

namespace CriShim.Runtime.Image;

/// <summary>
/// A forward-only reader of ustar, PAX and GNU tar streams, as image layers are written. Our own
/// rather than System.Formats.Tar because xattr values (<c>SCHILY.xattr.*</c>, e.g. file
/// capabilities) are binary and must reach the disk byte for byte; TarReader decodes them as UTF-8.
/// Malformed input raises <see cref="LayerRejectedException"/>.
/// </summary>
public sealed class TarArchiveReader(Stream stream)
{
    private const int Block = 512;
    private const int MaxMetadataBytes = 1024 * 1024;
    private const string XattrPrefix = "SCHILY.xattr.";
    private readonly byte[] _header = new byte[Block];
    private long _remaining;
    private int _padding;

    /// <summary>The next entry, or null at the end of the archive; skips what is left of the previous entry's data.</summary>
    public TarEntryHeader? Next()
    {
        SkipData();
        Dictionary<string, byte[]>? pax = null;
        string? longName = null;
        string? longLink = null;
        while (true)
        {
            if (!ReadBlock(_header))
            {
                return null;
            }
            if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                return null;
            }
            VerifyChecksum();
            var flag = (char)_header[156];
            var size = Number(_header.AsSpan(124, 12), "size");
            switch (flag)
            {
                case 'x':
                    pax = ParsePax(ReadMetadata(size));
                    continue;
                case 'g':
                    ReadMetadata(size);
                    continue;
                case 'L':
                    longName = CString(ReadMetadata(size));
                    continue;
                case 'K':
                    longLink = CString(ReadMetadata(size));
                    continue;
            }
            var entry = BuildEntry(flag, size, pax, longName, longLink);
            _remaining = entry.Size;
            _padding = (int)((Block - (_remaining % Block)) % Block);
            return entry;
        }
    }

    /// <summary>The data of the current entry; read it before calling <see cref="Next"/> again.</summary>
    public Stream OpenData() => new EntryData(this);

    private TarEntryHeader BuildEntry(char flag, long size, Dictionary<string, byte[]>? pax, string? longName, string? longLink)
    {
        var type = flag switch
        {
            '0' or '\0' or '7' => TarEntryType.Regular,
            '1' => TarEntryType.HardLink,
            '2' => TarEntryType.Symlink,
            '3' => TarEntryType.CharacterDevice,
            '4' => TarEntryType.BlockDevice,
            '5' => TarEntryType.Directory,
            '6' => TarEntryType.Fifo,
            _ => throw new LayerRejectedException($"unsupported tar entry type '{flag}' (0x{(int)flag:x2})"),
        };
        var header = _header.AsSpan();
        var name = CString(header[..100]);
        var ustar = header.Slice(257, 6).SequenceEqual("ustar\0"u8);
        if (ustar && CString(header.Slice(345, 155)) is { Length: > 0 } prefix)
        {
            name = prefix + "/" + name;
        }
        name = longName ?? name;
        var linkName = longLink ?? CString(header.Slice(157, 100));
        var uid = Number(header.Slice(108, 8), "uid");
        var gid = Number(header.Slice(116, 8), "gid");
        var seconds = Number(header.Slice(136, 12), "mtime");
        var modified = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, -62135596800, 253402300799));
        var xattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (pax is not null)
        {
            foreach (var (key, value) in pax)
            {
                switch (key)
                {
                    case "path": name = Text(value); break;
                    case "linkpath": linkName = Text(value); break;
                    case "size": size = PaxNumber(value, key); break;
                    case "uid": uid = PaxNumber(value, key); break;
                    case "gid": gid = PaxNumber(value, key); break;
                    case "mtime": modified = PaxTime(value); break;
                    default:
                        if (key.StartsWith(XattrPrefix, StringComparison.Ordinal) && key.Length > XattrPrefix.Length)
                        {
                            xattrs[key[XattrPrefix.Length..]] = value;
                        }
                        break;
                }
            }
        }
        if (name.Contains('\0') || linkName.Contains('\0'))
        {
            throw new LayerRejectedException($"entry name '{name.Replace('\0', '?')}' contains a NUL byte");
        }
        if (uid is < 0 or > int.MaxValue || gid is < 0 or > int.MaxValue)
        {
            throw new LayerRejectedException($"entry '{name}' has an impossible owner {uid}:{gid}");
        }
        if (type is not TarEntryType.Regular)
        {
            size = 0;
        }
        var mode = (UnixFileMode)(Number(header.Slice(100, 8), "mode") & 0xFFF);
        return new TarEntryHeader(name, type, linkName, mode, (int)uid, (int)gid, size, modified,
            (uint)Number(header.Slice(329, 8), "devmajor"), (uint)Number(header.Slice(337, 8), "devminor"), xattrs);
    }

    private void VerifyChecksum()
    {
        var stored = Number(_header.AsSpan(148, 8), "checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        if (stored != unsigned && stored != signed)
        {
            throw new LayerRejectedException("tar header checksum mismatch: the layer is not a tar archive or is corrupt");
        }
    }

    private byte[] ReadMetadata(long size)
    {
        if (size is < 0 or > MaxMetadataBytes)
        {
            throw new LayerRejectedException($"tar metadata record of {size} bytes (at most {MaxMetadataBytes})");
        }
        var data = new byte[size];
        ReadExactly(data);
        var padding = (int)((Block - (size % Block)) % Block);
        Span<byte> pad = stackalloc byte[Block];
        ReadExactly(pad[..padding]);
        return data;
    }

    /// <summary>PAX records: "<length> <key>=<value>\n", values kept as raw bytes.</summary>
    private static Dictionary<string, byte[]> ParsePax(byte[] data)
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var span = data.AsSpan();
        while (span.Length > 0)
        {
            var space = span.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(span[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space + 1 || length > span.Length || span[length - 1] != '\n')
            {
                throw new LayerRejectedException("malformed PAX extended header record");
            }
            var record = span[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new LayerRejectedException("malformed PAX extended header record (no key=value)");
            }
            records[Text(record[..equals])] = record[(equals + 1)..].ToArray();
            span = span[length..];
        }
        return records;
    }

    private static long Number(ReadOnlySpan<byte> field, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement; negative values are refused.
            if ((field[0] & 0x40) != 0 || field.Length > 9 && field[1..^8].IndexOfAnyExcept((byte)0) >= 0)
            {
                throw new LayerRejectedException($"tar {what} field out of range");
            }
            long value = field[0] & 0x3F;
            foreach (var b in field[1..])
            {
                value = checked((value << 8) | b);
            }
            return value;
        }
        var text = Encoding.ASCII.GetString(field).Trim(' ', '\0');
        if (text.Length == 0)
        {
            return 0;
        }
        try
        {
            return Convert.ToInt64(text, 8);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new LayerRejectedException($"tar {what} field '{text}' is not an octal number");
        }
    }

    private static long PaxNumber(byte[] value, string key) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new LayerRejectedException($"PAX {key} '{Text(value)}' is not a number");

    private static DateTimeOffset PaxTime(byte[] value)
    {
        var text = Text(value);
        var parts = text.Split('.', 2);
        if (!long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new LayerRejectedException($"PAX mtime '{text}' is not a time");
        }
        var ticks = 0L;
        if (parts.Length == 2)
        {
            var fraction = (parts[1] + "0000000")[..7];
            if (!long.TryParse(fraction, NumberStyles.None, CultureInfo.InvariantCulture, out ticks))
            {
                throw new LayerRejectedException($"PAX mtime '{text}' is not a time");
            }
        }
        return DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, -62135596800, 253402300798)).AddTicks(ticks);
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Text(end < 0 ? field : field[..end]);
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private bool ReadBlock(Span<byte> block)
    {
        var read = stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return false;
        }
        return read == block.Length ? true : throw new LayerRejectedException("the tar stream ends in the middle of a header");
    }

    private void ReadExactly(Span<byte> buffer)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) != buffer.Length)
        {
            throw new LayerRejectedException("the tar stream ends in the middle of an entry");
        }
    }

    private void SkipData()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var left = _remaining + _padding;
            while (left > 0)
            {
                var chunk = (int)Math.Min(left, buffer.Length);
                ReadExactly(buffer.AsSpan(0, chunk));
                left -= chunk;
            }
            _remaining = 0;
            _padding = 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int ReadData(Span<byte> buffer)
    {
        if (_remaining == 0 || buffer.Length == 0)
        {
            return 0;
        }
        var chunk = buffer[..(int)Math.Min(buffer.Length, _remaining)];
        var read = stream.Read(chunk);
        if (read == 0)
        {
            throw new LayerRejectedException("the tar stream ends in the middle of a file's data");
        }
        _remaining -= read;
        return read;
    }

    private sealed class EntryData(TarArchiveReader reader) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => reader.ReadData(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer) => reader.ReadData(buffer);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
