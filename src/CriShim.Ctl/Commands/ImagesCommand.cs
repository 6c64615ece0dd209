using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary><c>crishimctl images [-q] [--digests] [--no-trunc] [IMAGE]</c>: one line per repo tag, as crictl prints them.</summary>
internal sealed class ImagesCommand : ICommand
{
    public string Name => "images";
    public string Summary => "List images";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var quiet = args.Contains("-q") || args.Contains("--quiet");
        var digests = args.Contains("--digests");
        var full = args.Contains("--no-trunc");
        var filter = args.FirstOrDefault(a => !a.StartsWith('-'));
        var request = new ListImagesRequest();
        if (filter is not null)
        {
            request.Filter = new ImageFilter { Image = new ImageSpec { Image = filter } };
        }
        var images = (await context.Cri.Images.ListImagesAsync(request, context.Call())).Images;
        if (quiet)
        {
            foreach (var image in images)
            {
                context.Output.WriteLine(image.Id);
            }
            return 0;
        }
        var rows = new List<string[]>();
        foreach (var image in images)
        {
            var digest = image.RepoDigests.FirstOrDefault() is { } d ? ImageSizes.ShortId(d[(d.IndexOf('@') + 1)..], full) : "<none>";
            var names = image.RepoTags.Count > 0
                ? image.RepoTags.Select(Split)
                : image.RepoDigests.Take(1).Select(r => (r[..r.IndexOf('@')], "<none>"));
            foreach (var (repository, tag) in names.DefaultIfEmpty(("<none>", "<none>")))
            {
                rows.Add(digests
                    ? [repository, tag, digest, ImageSizes.ShortId(image.Id, full), ImageSizes.Human(image.Size)]
                    : [repository, tag, ImageSizes.ShortId(image.Id, full), ImageSizes.Human(image.Size)]);
            }
        }
        string[] header = digests ? ["IMAGE", "TAG", "DIGEST", "IMAGE ID", "SIZE"] : ["IMAGE", "TAG", "IMAGE ID", "SIZE"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            context.Output.WriteLine(string.Join("   ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))));
        }
        return 0;
    }

    private static (string Repository, string Tag) Split(string repoTag)
    {
        var colon = repoTag.LastIndexOf(':');
        return colon > repoTag.LastIndexOf('/') ? (repoTag[..colon], repoTag[(colon + 1)..]) : (repoTag, "<none>");
    }
}
