using CriShim.Native;

namespace CriShim.Runtime.Errors;

/// <summary>
/// Recognizes a full disk (ENOSPC) or an exhausted quota (EDQUOT) anywhere in an exception's causes, so
/// the answer says ResourceExhausted even when a layer wrapped the write error as "download broke off".
/// </summary>
public static class DiskFull
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    public static bool Caused(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            // .NET's IOException carries the raw errno as HResult on Linux; ErrnoException carries it as Errno.
            if (e is ErrnoException { Errno: ENOSPC or EDQUOT } || e is IOException { HResult: ENOSPC or EDQUOT })
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Caused))
            {
                return true;
            }
        }
        return false;
    }
}
