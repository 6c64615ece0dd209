using Google.Protobuf;
using Grpc.Core;

namespace CriShim.Api.Services;

/// <summary>
/// The <c>Stream*</c> list RPCs (KEP-5825, kubelet gate <c>CRIListStreaming</c>) exist so a node with many pods
/// never hits the 16 MiB message limit of their unary twins: each message carries as many items as fit in
/// <see cref="MaxBatchBytes"/>, in the order the unary RPC lists them.
/// </summary>
internal static class ListBatches
{
    /// <summary>A quarter of the kubelet's 16 MiB receive limit: room for the envelope and for items that grow.</summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>Consecutive batches of <paramref name="items"/>, each under <paramref name="maxBytes"/> unless one item alone is larger.</summary>
    public static IEnumerable<List<T>> Split<T>(IEnumerable<T> items, int maxBytes = MaxBatchBytes)
        where T : IMessage
    {
        var batch = new List<T>();
        var bytes = 0;
        foreach (var item in items)
        {
            // The item's size as a repeated field: tag, length prefix and body.
            var size = item.CalculateSize();
            size += 1 + CodedOutputStream.ComputeLengthSize(size);
            if (batch.Count > 0 && bytes + size > maxBytes)
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(item);
            bytes += size;
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>Writes <paramref name="items"/> as messages made by <paramref name="message"/>; nothing at all for an empty list.</summary>
    public static async Task SendAsync<T, TResponse>(IEnumerable<T> items, Func<List<T>, TResponse> message,
        IServerStreamWriter<TResponse> stream, CancellationToken cancel)
        where T : IMessage
    {
        foreach (var batch in Split(items))
        {
            await stream.WriteAsync(message(batch), cancel);
        }
    }
}
