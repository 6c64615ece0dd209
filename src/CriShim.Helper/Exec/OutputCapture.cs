using CriShim.Native;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Exec;

/// <summary>Reads a pipe to its end on its own thread, keeping the first <c>limit</c> bytes and dropping the rest.</summary>
internal sealed class OutputCapture
{
    private readonly MemoryStream _kept = new();
    private readonly TaskCompletionSource _done = new();

    public OutputCapture(SafeFileHandle source, int limit)
    {
        new Thread(() =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = Descriptors.Read((int)source.DangerousGetHandle(), buffer)) > 0)
            {
                lock (_kept)
                {
                    var room = (int)Math.Max(0, limit - _kept.Length);
                    _kept.Write(buffer, 0, Math.Min(room, n));
                }
            }
            _done.SetResult();
        }) { IsBackground = true }.Start();
    }

    public Task Completion => _done.Task;

    /// <summary>What was kept; call after <see cref="Completion"/> (or after giving up on it).</summary>
    public byte[] ToArray()
    {
        lock (_kept)
        {
            return _kept.ToArray();
        }
    }
}
