namespace CriShim.Bench;

/// <summary>Finds the checkout (the directory holding CriShim.sln) from the program's location or the working directory.</summary>
public static class Checkout
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CriShim.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new ArgumentException("cannot find the checkout (CriShim.sln) above the program or the working directory");
    }
}
