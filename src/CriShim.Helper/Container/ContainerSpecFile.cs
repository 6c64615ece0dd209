using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CriShim.Contract;

namespace CriShim.Helper.Container;

/// <summary>Reads a spec the daemon wrote; a missing or malformed file is the spec's fault.</summary>
internal static class ContainerSpecFile
{
    public static T Read<T>(string path, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type)
                ?? throw new InitStageException(StartFailure.InvalidSpec, $"{path} holds no spec");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InitStageException(StartFailure.InvalidSpec, $"reading {path}: {e.Message}");
        }
    }
}
