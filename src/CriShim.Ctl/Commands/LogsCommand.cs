using System.Globalization;
using System.Text;
using CriShim.Protocol.V1;

namespace CriShim.Ctl.Commands;

/// <summary>
/// <c>crictl logs</c>: reads the container's CRI log file (the path ContainerStatus reports) and
/// writes each stream's bytes back as the container wrote them, partial lines joined. With -f it
/// follows the file (across rotations) until the container has exited and everything is printed.
/// </summary>
internal sealed class LogsCommand : ICommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public string Name => "logs";
    public string Summary => "Fetch the logs of a container: logs [-f] [--tail N] [-t] ID";

    public async Task<int> RunAsync(CommandContext context, IReadOnlyList<string> args)
    {
        var options = new CommandArguments(args, ["--tail"]);
        if (options.Positional.Count != 1)
        {
            throw new ArgumentException("logs needs one container id");
        }
        var id = options.Positional[0];
        var tail = options.Value("--tail") is { } text
            ? int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--tail '{text}' is not a number")
            : -1;
        var follow = options.Has("-f", "--follow");
        var timestamps = options.Has("-t", "--timestamps");
        var status = (await context.Cri.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, context.Call())).Status;
        if (status.LogPath.Length == 0)
        {
            throw new ArgumentException($"container {id} has no log file (its config has no log_path or its pod no log_directory)");
        }
        await using var stdout = Console.OpenStandardOutput();
        await using var stderr = Console.OpenStandardError();
        void Write(CriLogLine line)
        {
            var target = line.IsStderr ? stderr : stdout;
            if (timestamps)
            {
                target.Write(Encoding.ASCII.GetBytes(line.Timestamp + " "));
            }
            target.Write(line.Content.Span);
            if (!line.IsPartial)
            {
                target.WriteByte((byte)'\n');
            }
        }

        using var reader = new FollowingReader(status.LogPath);
        var lines = reader.ReadCompleteLines().Select(CriLogLine.Parse).OfType<CriLogLine>().ToList();
        foreach (var line in tail >= 0 ? lines.Skip(Math.Max(0, lines.Count - tail)) : lines)
        {
            Write(line);
        }
        while (follow)
        {
            var more = reader.ReadCompleteLines();
            foreach (var line in more.Select(CriLogLine.Parse).OfType<CriLogLine>())
            {
                Write(line);
            }
            stdout.Flush();
            stderr.Flush();
            if (more.Count == 0)
            {
                var state = (await context.Cri.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, context.Call())).Status.State;
                if (state != ContainerState.ContainerRunning)
                {
                    // Exited: the monitor drained everything before recording the exit; print what came meanwhile.
                    reader.ReadCompleteLines().Select(CriLogLine.Parse).OfType<CriLogLine>().ToList().ForEach(Write);
                    break;
                }
                await Task.Delay(PollInterval);
            }
        }
        return 0;
    }

    /// <summary>Reads whole lines from a growing file and reopens it when the kubelet rotated it away.</summary>
    private sealed class FollowingReader(string path) : IDisposable
    {
        private FileStream? _file;
        private readonly List<byte> _pending = [];

        public List<ReadOnlyMemory<byte>> ReadCompleteLines()
        {
            var lines = new List<ReadOnlyMemory<byte>>();
            if (_file is null || Rotated())
            {
                Drain(lines);
                _file?.Dispose();
                _file = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete) : null;
            }
            Drain(lines);
            return lines;
        }

        private void Drain(List<ReadOnlyMemory<byte>> lines)
        {
            if (_file is null)
            {
                return;
            }
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = _file.Read(buffer)) > 0)
            {
                _pending.AddRange(buffer.AsSpan(0, read));
            }
            int newline;
            while ((newline = _pending.IndexOf((byte)'\n')) >= 0)
            {
                lines.Add(_pending.GetRange(0, newline).ToArray());
                _pending.RemoveRange(0, newline + 1);
            }
        }

        /// <summary>The path is gone or names a file shorter than what was read: renamed away (and recreated) by a rotation.</summary>
        private bool Rotated()
        {
            var current = new FileInfo(path);
            return !current.Exists || current.Length < _file!.Position;
        }

        public void Dispose() => _file?.Dispose();
    }
}
