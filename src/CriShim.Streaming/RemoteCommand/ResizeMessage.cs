using System.Text.Json;
using System.Text.Json.Serialization;

namespace CriShim.Streaming.RemoteCommand;

/// <summary>One terminal size on the resize stream: <c>{"Width":80,"Height":24}</c> (client-go's TerminalSize has no JSON tags).</summary>
public readonly record struct ResizeMessage(
    [property: JsonPropertyName("Width")] ushort Width,
    [property: JsonPropertyName("Height")] ushort Height)
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, RemoteCommandJsonContext.Default.ResizeMessage);

    public static ResizeMessage Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, RemoteCommandJsonContext.Default.ResizeMessage);

    /// <summary>
    /// Reads the SPDY resize stream: JSON objects one after another (client-go's encoder ends each with
    /// a newline), until the stream ends or a message is malformed.
    /// </summary>
    public static async IAsyncEnumerable<ResizeMessage> ReadAllAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel = default)
    {
        var pending = new List<byte>();
        var buffer = new byte[512];
        var depth = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, cancel)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                var b = buffer[i];
                if (depth == 0 && b != (byte)'{')
                {
                    continue;
                }
                pending.Add(b);
                depth += b == (byte)'{' ? 1 : b == (byte)'}' ? -1 : 0;
                if (depth > 0)
                {
                    continue;
                }
                ResizeMessage message;
                try
                {
                    message = Parse(pending.ToArray());
                }
                catch (JsonException)
                {
                    yield break;
                }
                pending.Clear();
                yield return message;
            }
        }
    }
}
