namespace CriShim.Helper.Container;

/// <summary>
/// Resolves a container path inside a root directory the way the container will see it: symlinks in the
/// image (absolute or with <c>..</c>) are followed relative to the root and can never lead out of it.
/// </summary>
internal static class RootfsPath
{
    private const int MaxSymlinks = 255;

    public static string Resolve(string root, string containerPath)
    {
        var pending = new LinkedList<string>(Split(containerPath));
        var resolved = new List<string>();
        var links = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var part = node.Value;
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            var candidate = Join(root, resolved.Append(part));
            if (Native.FileSystem.KindOf(candidate) != Native.UnixFileKind.Symlink)
            {
                resolved.Add(part);
                continue;
            }
            if (++links > MaxSymlinks)
            {
                throw new InitStageException(Contract.StartFailure.Setup, $"too many symlinks resolving {containerPath} in the container");
            }
            var target = new FileInfo(candidate).LinkTarget!;
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }
            foreach (var targetPart in Split(target).Reverse())
            {
                pending.AddFirst(targetPart);
            }
        }
        return Join(root, resolved);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(string root, IEnumerable<string> parts) =>
        root.TrimEnd('/') + "/" + string.Join('/', parts);
}
