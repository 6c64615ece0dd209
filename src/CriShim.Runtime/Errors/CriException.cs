namespace CriShim.Runtime.Errors;

/// <summary>
/// A request that cannot be served, with a message a person can act on. The API layer maps each
/// subclass to one gRPC status code; anything else thrown by domain code becomes Internal.
/// </summary>
public abstract class CriException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class NotFoundException(string message) : CriException(message);

public sealed class AlreadyExistsException(string message) : CriException(message);

public sealed class InvalidArgumentException(string message, Exception? inner = null) : CriException(message, inner);

public sealed class FailedPreconditionException(string message) : CriException(message);

public sealed class UnavailableException(string message, Exception? inner = null) : CriException(message, inner);

public sealed class DataLossException(string message) : CriException(message);

public sealed class DeadlineExceededException(string message) : CriException(message);

public sealed class UnimplementedException(string message) : CriException(message);
