using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CriShim.Streaming.RemoteCommand;

/// <summary>
/// The <c>metav1.Status</c> a v4/v5 remote command writes on its error stream when the command ended:
/// <c>Success</c>, <c>Failure</c> with reason <c>NonZeroExitCode</c> and an <c>ExitCode</c> cause, or
/// <c>Failure</c> with the runtime's error message.
/// </summary>
public sealed record RemoteCommandStatus
{
    public const string NonZeroExitCodeReason = "NonZeroExitCode";
    public const string ExitCodeCauseType = "ExitCode";
    public const string InternalErrorReason = "InternalError";

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; init; } = [];

    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    [JsonPropertyName("details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StatusDetails? Details { get; init; }

    [JsonPropertyName("code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Code { get; init; }

    public static RemoteCommandStatus Success() => new() { Status = "Success" };

    public static RemoteCommandStatus ExitCode(int exitCode, IReadOnlyList<string> command) => exitCode == 0
        ? Success()
        : new()
        {
            Status = "Failure",
            Reason = NonZeroExitCodeReason,
            Message = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {exitCode}",
            Details = new StatusDetails { Causes = [new StatusCause { Type = ExitCodeCauseType, Message = exitCode.ToString(CultureInfo.InvariantCulture) }] },
        };

    /// <summary>A command that could not run: the runtime's message, as kubelet's InternalError.</summary>
    public static RemoteCommandStatus Error(string message) => new()
    {
        Status = "Failure",
        Code = 500,
        Reason = InternalErrorReason,
        Message = $"Internal error occurred: {message}",
        Details = new StatusDetails { Causes = [new StatusCause { Message = message }] },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, RemoteCommandJsonContext.Default.RemoteCommandStatus);

    public static RemoteCommandStatus Parse(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, RemoteCommandJsonContext.Default.RemoteCommandStatus)
        ?? throw new RemoteCommandException("error stream protocol error: an empty status");

    /// <summary>
    /// What the client makes of it, as client-go's v4 decoder: 0 for Success, the exit code of a
    /// NonZeroExitCode failure, an exception with the message for any other failure.
    /// </summary>
    public int ToExitCode()
    {
        if (Status == "Success")
        {
            return 0;
        }
        if (Status != "Failure")
        {
            throw new RemoteCommandException($"error stream protocol error: unknown status '{Status}'");
        }
        if (Reason != NonZeroExitCodeReason)
        {
            throw new RemoteCommandException(Message ?? "the command failed");
        }
        var cause = Details?.Causes.FirstOrDefault(c => c.Type == ExitCodeCauseType)
            ?? throw new RemoteCommandException($"error stream protocol error: no {ExitCodeCauseType} cause given");
        return int.TryParse(cause.Message, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 255
            ? code
            : throw new RemoteCommandException($"error stream protocol error: invalid exit code '{cause.Message}'");
    }
}

public sealed record StatusDetails
{
    [JsonPropertyName("causes")]
    public List<StatusCause> Causes { get; init; } = [];
}

/// <summary>A status cause; its <c>Type</c> is called <c>reason</c> on the wire.</summary>
public sealed record StatusCause
{
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }
}
