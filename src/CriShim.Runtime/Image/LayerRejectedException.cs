namespace CriShim.Runtime.Image;

/// <summary>A layer that is malformed or hostile (paths escaping the layer, absurd sizes); nothing of it is kept.</summary>
public sealed class LayerRejectedException(string message) : Exception(message);
