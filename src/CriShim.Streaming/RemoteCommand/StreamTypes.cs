namespace CriShim.Streaming.RemoteCommand;

/// <summary>SPDY stream headers that say what a stream is for (remote command and port-forward).</summary>
public static class StreamTypes
{
    public const string Header = "streamType";
    public const string PortHeader = "port";
    public const string RequestIdHeader = "requestID";

    public const string Error = "error";
    public const string Stdin = "stdin";
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
    public const string Resize = "resize";
    public const string Data = "data";
}
