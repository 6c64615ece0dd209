using System.Text;

namespace CriShim.NativeTests.Streaming;

/// <summary>A client's stdout or stderr: keeps what the runtime wrote and lets a test wait for it.</summary>
internal sealed class RecordingStream : Stream
{
    private readonly MemoryStream _bytes = new();
    private readonly SemaphoreSlim _written = new(0);

    public byte[] Bytes
    {
        get
        {
            lock (_bytes)
            {
                return _bytes.ToArray();
            }
        }
    }

    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>Waits until the text so far satisfies <paramref name="done"/>; fails with what arrived after <paramref name="seconds"/>.</summary>
    public async Task WaitForAsync(Func<string, bool> done, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(Text))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"no {what} within {seconds} s; got: {Text}");
            await _written.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_bytes)
        {
            _bytes.Write(buffer, offset, count);
        }
        _written.Release();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
