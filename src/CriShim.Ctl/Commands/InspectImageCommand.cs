using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl inspecti IMAGE</c>: verbose ImageStatus in crictl's JSON (<see cref="CrictlJson"/>).</summary>
internal sealed class InspectImageCommand : ICommand
{
    public string Name => "inspecti";
    public string Summary => "Return the status of one or more images";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("usage: crishimctl inspecti IMAGE...");
        }
        foreach (var reference in args)
        {
            var status = await context.Cri.Images.ImageStatusAsync(
                new ImageStatusRequest { Image = new ImageSpec { Image = reference }, Verbose = true }, context.Call());
            if (status.Image is null)
            {
                Console.Error.WriteLine($"crishimctl: no such image {reference} present");
                return 1;
            }
            context.Output.WriteLine(CrictlJson.Document(status.Image, new Dictionary<string, long?>(), status.Info));
        }
        return 0;
    }
}
