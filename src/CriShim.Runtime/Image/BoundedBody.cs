namespace CriShim.Runtime.Image;

/// <summary>
/// Reads a registry's answer without trusting its size: at most a given number of bytes, whatever
/// Content-Length says (or omits), so an endless token or error body costs a bounded buffer.
/// </summary>
internal static class BoundedBody
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (reading stops there).</summary>
    public static async Task<byte[]?> ReadAsync(HttpResponseMessage response, int limit, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            return null;
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new byte[Math.Min(limit + 1, 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    return null;
                }
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }
            var read = await body.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0)
            {
                return buffer[..length];
            }
            length += read;
        }
    }
}
