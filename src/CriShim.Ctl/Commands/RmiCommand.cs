using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl rmi [-a|--all] IMAGE...</c>: removes images by ID, tag or digest reference.</summary>
internal sealed class RmiCommand : ICommand
{
    public string Name => "rmi";
    public string Summary => "Remove one or more images";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var references = args.Where(a => !a.StartsWith('-')).ToList();
        if (args.Contains("-a") || args.Contains("--all"))
        {
            references.AddRange((await context.Cri.Images.ListImagesAsync(new ListImagesRequest(), context.Call())).Images.Select(i => i.Id));
        }
        if (references.Count == 0)
        {
            throw new ArgumentException("usage: crishimctl rmi [-a] IMAGE...");
        }
        foreach (var reference in references)
        {
            await context.Cri.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = reference } }, context.Call());
            context.Output.WriteLine($"Deleted: {reference}");
        }
        return 0;
    }
}
