using System.Globalization;

namespace CriShim.Helper.Monitor;

/// <summary>
/// Sets a process's <c>oom_score_adj</c>. Lowering it needs CAP_SYS_RESOURCE; without it the value is
/// clamped to what the process inherited, as containerd's <c>restrict_oom_score_adj</c> does.
/// </summary>
internal static class OomScore
{
    /// <summary>Applies <paramref name="wanted"/> to <paramref name="pid"/> and returns the value it really has.</summary>
    public static int Apply(int pid, int wanted)
    {
        var path = $"/proc/{pid}/oom_score_adj";
        var current = int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
        if (wanted == current)
        {
            return current;
        }
        try
        {
            File.WriteAllText(path, wanted.ToString(CultureInfo.InvariantCulture));
            return wanted;
        }
        catch (UnauthorizedAccessException) when (wanted < current)
        {
            return current;
        }
        catch (IOException) when (wanted < current)
        {
            return current;
        }
    }
}
