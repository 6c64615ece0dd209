namespace CriShim.Runtime.Configuration;

/// <summary>A flag or config file value that the daemon cannot start with.</summary>
public sealed class ConfigException(string message) : Exception(message);
