namespace CriShim.Runtime.Sandbox;

/// <summary>Where <c>crishim-runtime</c> (the NativeAOT helper) is: next to the daemon's executable.</summary>
public sealed record RuntimeHelperBinary(string Path)
{
    public const string FileName = "crishim-runtime";

    public static RuntimeHelperBinary BesideDaemon() => new(System.IO.Path.Combine(AppContext.BaseDirectory, FileName));
}
