using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CriShim.Api.Streaming;

/// <summary>
/// The pending streaming requests by URL token: random, single use, valid for <see cref="Lifetime"/>
/// (a minute, as kubelet's streaming server). An unknown, used or expired token finds nothing.
/// </summary>
internal sealed class StreamTokens(TimeProvider time, TimeSpan lifetime)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (StreamRequest Request, DateTimeOffset Expires)> _pending = new(StringComparer.Ordinal);

    public StreamTokens(TimeProvider time) : this(time, DefaultLifetime)
    {
    }

    public TimeSpan Lifetime => lifetime;

    public string Mint(StreamRequest request)
    {
        var now = time.GetUtcNow();
        foreach (var (token, pending) in _pending)
        {
            if (pending.Expires <= now)
            {
                _pending.TryRemove(token, out _);
            }
        }
        var minted = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        _pending[minted] = (request, now + lifetime);
        return minted;
    }

    /// <summary>The request of a live token, which is used up by this call.</summary>
    public bool TryTake<T>(string token, out T request) where T : StreamRequest
    {
        request = null!;
        if (!_pending.TryGetValue(token, out var pending) || pending.Request is not T typed)
        {
            return false;
        }
        if (!_pending.TryRemove(new KeyValuePair<string, (StreamRequest, DateTimeOffset)>(token, pending)))
        {
            return false;
        }
        request = typed;
        return pending.Expires > time.GetUtcNow();
    }
}
