namespace CriShim.VmTests;

/// <summary>The few assertions the VM scenarios need (xunit's runner does not fit a NativeAOT program).</summary>
internal static class Check
{
    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new CheckFailedException(what);
        }
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new CheckFailedException($"{what}: expected '{expected}', got '{actual}'");
        }
    }
}

internal sealed class CheckFailedException(string message) : Exception(message);
