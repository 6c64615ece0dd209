
namespace CriShim.Contract;

/// <summary>
/// Writes a new user namespace's mappings from its parent namespace: only a writer with CAP_SETUID and
/// CAP_SETGID there may map more than its own id, and each file takes one write. <c>setgroups</c> stays
/// allowed, so the container's supplementary groups can be set.
/// </summary>
public static class UserNamespaceMaps
{
    public static void Write(int pid, UserNamespaceMappings mappings)
    {
        File.WriteAllText($"/proc/{pid}/uid_map", UserNamespaceMappings.ProcText(mappings.Uids));
        File.WriteAllText($"/proc/{pid}/gid_map", UserNamespaceMappings.ProcText(mappings.Gids));
    }
}
