namespace CriShim.Api.Streaming;

/// <summary>What a streaming token stands for: the checked CRI request, kept until the client connects.</summary>
internal abstract record StreamRequest;

internal sealed record ExecStreamRequest(string ContainerId, IReadOnlyList<string> Command, bool Tty, bool Stdin, bool Stdout, bool Stderr) : StreamRequest;

internal sealed record AttachStreamRequest(string ContainerId, bool Tty, bool Stdin, bool Stdout, bool Stderr) : StreamRequest;

internal sealed record PortForwardStreamRequest(string PodSandboxId, IReadOnlyList<int> Ports) : StreamRequest;
