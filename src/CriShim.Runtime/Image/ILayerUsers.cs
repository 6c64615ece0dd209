namespace CriShim.Runtime.Image;

/// <summary>
/// Holders of image layers other than image records: a container keeps its lower layers after its image
/// is removed (as containerd's snapshot leases do), so garbage collection must ask.
/// </summary>
public interface ILayerUsers
{
    /// <summary>Chain IDs of the layers in use.</summary>
    IEnumerable<string> LayersInUse();
}
