namespace CriShim.Runtime.Store;

/// <summary>
/// Unique names (a sandbox's name.namespace.uid.attempt, a container's name within its pod) mapped to
/// the id holding them. Reserve first, release on failure or removal.
/// </summary>
public sealed class NameRegistry
{
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);

    /// <summary>Reserves <paramref name="name"/> for <paramref name="id"/>; returns the other owner's id when it is taken.</summary>
    public string? TryReserve(string name, string id)
    {
        lock (_owners)
        {
            if (_owners.TryGetValue(name, out var owner) && owner != id)
            {
                return owner;
            }
            _owners[name] = id;
            return null;
        }
    }

    /// <summary>Releases <paramref name="name"/> if <paramref name="id"/> still holds it.</summary>
    public void Release(string name, string id)
    {
        lock (_owners)
        {
            if (_owners.TryGetValue(name, out var owner) && owner == id)
            {
                _owners.Remove(name);
            }
        }
    }
}
