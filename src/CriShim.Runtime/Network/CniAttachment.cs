using System.Text.Json.Nodes;

namespace CriShim.Runtime.Network;

/// <summary>
/// Everything a sandbox's CNI ADD used, and its result: DEL and CHECK replay exactly this, whatever
/// the config directory holds by then. <see cref="Result"/> is null while ADD runs (or if the
/// daemon died during it), so a later DEL still knows what to undo.
/// </summary>
public sealed record CniAttachment(
    string SandboxId,
    string NetnsPath,
    string IfName,
    string CniArgs,
    string ConfigFile,
    JsonObject ConfList,
    JsonObject CapabilityArgs,
    JsonObject? Result);
