namespace CriShim.Runtime.Image;

/// <summary>Sizes past which a layer is refused as absurd rather than filling the disk.</summary>
public sealed record UnpackLimits
{
    public static UnpackLimits Default { get; } = new();

    public long MaxEntryBytes { get; init; } = 64L << 30;
    public long MaxLayerBytes { get; init; } = 256L << 30;
    public long MaxEntries { get; init; } = 4_000_000;
    public int MaxPathBytes { get; init; } = 4096;
}
