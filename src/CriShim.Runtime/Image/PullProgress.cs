using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CriShim.Runtime.Image;

/// <summary>Counters of one pull in progress, for the daemon log and <c>crishimctl pull</c>'s progress bar.</summary>
public sealed class PullProgress(string reference)
{
    private long _bytesDone;
    private long _bytesTotal;
    private int _layersDone;
    private int _layersTotal;

    public string Reference => reference;
    public long BytesDone => Interlocked.Read(ref _bytesDone);
    public long BytesTotal => Interlocked.Read(ref _bytesTotal);
    public int LayersDone => Volatile.Read(ref _layersDone);
    public int LayersTotal => Volatile.Read(ref _layersTotal);

    public void Plan(int layers, long bytes)
    {
        Volatile.Write(ref _layersTotal, layers);
        Interlocked.Exchange(ref _bytesTotal, bytes);
    }

    public void Read(int bytes) => Interlocked.Add(ref _bytesDone, bytes);

    public void LayerDone(long skippedBytes)
    {
        Interlocked.Increment(ref _layersDone);
        Interlocked.Add(ref _bytesDone, skippedBytes);
    }

    public string ToJson() => new JsonObject
    {
        ["reference"] = reference,
        ["bytesDone"] = BytesDone,
        ["bytesTotal"] = BytesTotal,
        ["layersDone"] = LayersDone,
        ["layersTotal"] = LayersTotal,
    }.ToJsonString();

    public override string ToString() => $"{LayersDone}/{LayersTotal} layers, {BytesDone}/{BytesTotal} bytes";
}

/// <summary>The pulls in progress, by normalized reference.</summary>
public sealed class PullProgressBoard
{
    private readonly ConcurrentDictionary<string, PullProgress> _pulls = new(StringComparer.Ordinal);

    public PullProgress? Find(string reference) =>
        _pulls.GetValueOrDefault(ImageReference.TryParse(reference, out var parsed, out _) ? parsed.ToString() : reference);

    public PullProgress Start(ImageReference reference) => _pulls.GetOrAdd(reference.ToString(), r => new PullProgress(r));

    public void Finish(PullProgress progress) => _pulls.TryRemove(new KeyValuePair<string, PullProgress>(progress.Reference, progress));
}
