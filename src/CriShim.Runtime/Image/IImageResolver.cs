namespace CriShim.Runtime.Image;

/// <summary>What containers need of the image store: an image by reference, and its layer directories for a rootfs.</summary>
public interface IImageResolver
{
    ImageRecord? Resolve(string reference);

    /// <summary>The unpacked layers of the image, topmost first.</summary>
    IReadOnlyList<string> LayerDirectories(ImageRecord image);
}
