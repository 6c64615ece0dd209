using System.Runtime.InteropServices;
using System.Text;

namespace CriShim.Native;

/// <summary>NUL-terminated UTF-8 copies of a path, argv and envp in unmanaged memory, for posix_spawn and execve.</summary>
internal sealed unsafe class ExecStrings : IDisposable
{
    private readonly List<nint> _allocations = [];

    public ExecStrings(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        Path = Copy(path);
        Argv = Array(argv);
        Envp = Array(environment);
    }

    public byte* Path { get; }
    public byte** Argv { get; }
    public byte** Envp { get; }

    private byte* Copy(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        _allocations.Add((nint)p);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return p;
    }

    private byte** Array(IReadOnlyList<string> values)
    {
        var array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        _allocations.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = Copy(values[i]);
        }
        array[values.Count] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (var p in _allocations)
        {
            NativeMemory.Free((void*)p);
        }
    }
}
