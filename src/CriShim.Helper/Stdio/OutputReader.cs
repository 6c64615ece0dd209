using CriShim.Native;

namespace CriShim.Helper.Stdio;

/// <summary>Receives one chunk of a process's output; the span is only valid during the call.</summary>
internal delegate void OutputChunk(ReadOnlySpan<byte> chunk);

/// <summary>Reads a process's output pipe or terminal to its end.</summary>
internal static class OutputReader
{
    /// <summary>Until end of file (or EIO: the terminal's last holder closed it), passing each chunk on.</summary>
    public static void Drain(int fd, OutputChunk each)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = Descriptors.Read(fd, buffer);
            }
            catch (ErrnoException e) when (e.Errno == Tmds.Linux.LibC.EIO)
            {
                n = 0;
            }
            if (n == 0)
            {
                return;
            }
            each(buffer.AsSpan(0, n));
        }
    }
}
