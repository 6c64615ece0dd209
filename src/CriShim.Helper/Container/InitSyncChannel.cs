using System.Text;
using System.Text.Json;
using CriShim.Native;
using CriShim.Contract;
using Microsoft.Win32.SafeHandles;

namespace CriShim.Helper.Container;

/// <summary>
/// The socket between a parent (monitor, exec) and its init stage. The parent moves the child into its
/// cgroup, then sends one "go" byte; the child reports a failure as one JSON message, or execs, which
/// closes its end (close-on-exec), so end of file means the command runs.
/// </summary>
internal static class InitSyncChannel
{
    /// <summary>The descriptor number the init stage finds its end on.</summary>
    public const int ChildDescriptor = 3;

    private const byte Go = (byte)'G';

    /// <summary>In the child: keeps fd 3 away from the command and waits for the parent's go.</summary>
    public static void WaitForGo()
    {
        Descriptors.SetCloseOnExec(ChildDescriptor);
        Span<byte> buffer = stackalloc byte[1];
        if (Descriptors.Read(ChildDescriptor, buffer) != 1 || buffer[0] != Go)
        {
            throw new InitStageException(StartFailure.Internal, "the parent went away before the start");
        }
    }

    /// <summary>In the child: sends the reason it will not exec.</summary>
    public static void Fail(StartFailure failure, string message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new InitStageFailure(failure, message), ContainerJsonContext.Default.InitStageFailure);
        Descriptors.WriteAll(ChildDescriptor, json);
    }

    /// <summary>In the parent: lets the child go on.</summary>
    public static void SendGo(SafeFileHandle parentEnd) =>
        Descriptors.WriteAll(parentEnd, [Go]);

    /// <summary>
    /// In the parent: waits for the child's answer; null when it exec'd. A child that says nothing
    /// within <paramref name="timeout"/> is reported as hung (the caller kills it).
    /// </summary>
    public static InitStageFailure? ReadOutcome(SafeFileHandle parentEnd, TimeSpan timeout)
    {
        // Polled on this thread: a monitor starts no thread-pool threads for it (bench/: monitor memory).
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        using var message = new MemoryStream();
        Span<byte> chunk = stackalloc byte[4096];
        while (true)
        {
            if (!DescriptorPoll.WaitReadable(parentEnd, deadline))
            {
                return new InitStageFailure(StartFailure.Internal, $"the container's init stage did not start the command within {timeout.TotalSeconds:0}s");
            }
            int read;
            try
            {
                read = Descriptors.Read(parentEnd, chunk);
            }
            catch (ErrnoException)
            {
                // Reset: the child died with our "go" unread.
                return new InitStageFailure(StartFailure.Internal, "the container's init stage died before it started the command");
            }
            if (read == 0)
            {
                break;
            }
            message.Write(chunk[..read]);
        }
        var bytes = message.ToArray();
        if (bytes.Length == 0)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(bytes, ContainerJsonContext.Default.InitStageFailure);
        }
        catch (JsonException)
        {
            return new InitStageFailure(StartFailure.Internal, "the init stage sent an unreadable answer: " + Encoding.UTF8.GetString(bytes));
        }
    }
}
