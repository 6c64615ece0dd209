using CriShim.Native.Interop;

namespace CriShim.Native;

/// <summary>
/// A seccomp filter compiled by libseccomp from a <see cref="SeccompSpec"/>. The daemon compiles and
/// exports it as a BPF program; the runtime helper hands that to the kernel (<see cref="ThreadSeccomp"/>),
/// so neither libseccomp nor profile rules are needed inside the container's mount namespace.
/// </summary>
public sealed class SeccompFilter : IDisposable
{
    private readonly SeccompFilterHandle handle;

    private readonly SeccompSpec spec;

    private SeccompFilter(SeccompFilterHandle handle, SeccompSpec spec, IReadOnlyList<string> skipped)
    {
        this.handle = handle;
        this.spec = spec;
        SkippedSyscalls = skipped;
    }

    /// <summary>Names the native architecture does not know; skipped, as runc does.</summary>
    public IReadOnlyList<string> SkippedSyscalls { get; }

    /// <exception cref="ArgumentException">An architecture libseccomp does not know.</exception>
    /// <exception cref="ErrnoException">libseccomp refused the filter, an architecture or a rule.</exception>
    public static SeccompFilter Compile(SeccompSpec spec)
    {
        var defaultAction = ActionCode(spec.DefaultAction, spec.DefaultErrno);
        var handle = Libseccomp.Init(defaultAction);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new ErrnoException(Tmds.Linux.LibC.EINVAL, "seccomp_init", spec.Source);
        }
        try
        {
            foreach (var name in spec.Architectures)
            {
                var token = Libseccomp.ResolveArchitecture(name);
                if (token == 0)
                {
                    throw new ArgumentException($"seccomp architecture '{name}' is not known to libseccomp");
                }
                if (Libseccomp.AddArchitecture(handle, token) is var rc and < 0 && rc != -Tmds.Linux.LibC.EEXIST)
                {
                    throw new ErrnoException(-rc, "seccomp_arch_add", name);
                }
            }
            var skipped = new List<string>();
            foreach (var rule in spec.Syscalls)
            {
                var action = ActionCode(rule.Action, rule.Errno);
                foreach (var name in rule.Names)
                {
                    var number = Libseccomp.ResolveSyscall(name);
                    if (number == Libseccomp.NR_SCMP_ERROR)
                    {
                        skipped.Add(name);
                    }
                    else if (action != defaultAction)
                    {
                        AddRule(handle, action, number, name, rule.Args);
                    }
                }
            }
            return new SeccompFilter(handle, spec, skipped);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The BPF program libseccomp would load (the spec's load flags are the caller's to pass on).</summary>
    public byte[] Export()
    {
        using var memory = Libc.MemfdCreate("seccomp", Libc.MFD_CLOEXEC);
        if (memory.IsInvalid)
        {
            throw Errno.Last("memfd_create", "seccomp");
        }
        if (Libseccomp.ExportBpf(handle, memory) is var rc and < 0)
        {
            throw new ErrnoException(-rc, "seccomp_export_bpf", spec.Source);
        }
        var filter = new byte[RandomAccess.GetLength(memory)];
        RandomAccess.Read(memory, filter, 0);
        return filter;
    }

    public void Dispose() => handle.Dispose();

    /// <summary>
    /// Conditions on distinct arguments form one rule (all must hold). When an argument has several, each
    /// condition becomes its own rule, as runc does: libseccomp cannot AND two conditions on one argument.
    /// </summary>
    private static unsafe void AddRule(SeccompFilterHandle handle, uint action, int syscall, string name, IReadOnlyList<SeccompArgument> args)
    {
        var comparisons = new Libseccomp.ArgumentComparison[args.Count];
        var usedArguments = 0u;
        var separate = false;
        for (var i = 0; i < comparisons.Length; i++)
        {
            var arg = args[i];
            separate |= (usedArguments & (1u << (int)arg.Index)) != 0;
            usedArguments |= 1u << (int)arg.Index;
            comparisons[i] = new Libseccomp.ArgumentComparison { Arg = arg.Index, Op = (int)arg.Op + 1, DatumA = arg.Value, DatumB = arg.ValueTwo };
        }
        fixed (Libseccomp.ArgumentComparison* all = comparisons)
        {
            if (!separate)
            {
                Check(Libseccomp.AddRule(handle, action, syscall, (uint)comparisons.Length, all), name);
                return;
            }
            for (var i = 0; i < comparisons.Length; i++)
            {
                Check(Libseccomp.AddRule(handle, action, syscall, 1, all + i), name);
            }
        }
    }

    private static void Check(int rc, string name)
    {
        if (rc < 0)
        {
            throw new ErrnoException(-rc, "seccomp_rule_add", name);
        }
    }

    private static uint ActionCode(SeccompAction action, int errno) => action switch
    {
        SeccompAction.KillThread => Libseccomp.SCMP_ACT_KILL_THREAD,
        SeccompAction.KillProcess => Libseccomp.SCMP_ACT_KILL_PROCESS,
        SeccompAction.Trap => Libseccomp.SCMP_ACT_TRAP,
        SeccompAction.Errno => Libseccomp.SCMP_ACT_ERRNO | ((uint)errno & 0xffff),
        SeccompAction.Trace => Libseccomp.SCMP_ACT_TRACE | ((uint)errno & 0xffff),
        SeccompAction.Allow => Libseccomp.SCMP_ACT_ALLOW,
        SeccompAction.Log => Libseccomp.SCMP_ACT_LOG,
        _ => throw new ArgumentException($"seccomp action {action} is not known"),
    };
}
