using System.Globalization;
using System.Text.Json;
using CriShim.Native;
using CriShim.Runtime.Errors;

namespace CriShim.Runtime.Security;

/// <summary>
/// Reads a seccomp profile in the OCI/Docker JSON format. Keys match case-insensitively and unknown keys
/// are ignored, as Go's encoding/json does for Docker and containerd; every value is checked, and an
/// error names the profile and the field (<c>syscalls[3].args[0].op</c>).
/// </summary>
public static class SeccompProfileParser
{
    private static readonly Dictionary<string, SeccompAction> Actions = new(StringComparer.Ordinal)
    {
        ["SCMP_ACT_KILL"] = SeccompAction.KillThread,
        ["SCMP_ACT_KILL_THREAD"] = SeccompAction.KillThread,
        ["SCMP_ACT_KILL_PROCESS"] = SeccompAction.KillProcess,
        ["SCMP_ACT_TRAP"] = SeccompAction.Trap,
        ["SCMP_ACT_ERRNO"] = SeccompAction.Errno,
        ["SCMP_ACT_TRACE"] = SeccompAction.Trace,
        ["SCMP_ACT_ALLOW"] = SeccompAction.Allow,
        ["SCMP_ACT_LOG"] = SeccompAction.Log,
    };

    private static readonly Dictionary<string, SeccompOperator> Operators = new(StringComparer.Ordinal)
    {
        ["SCMP_CMP_NE"] = SeccompOperator.NotEqual,
        ["SCMP_CMP_LT"] = SeccompOperator.LessThan,
        ["SCMP_CMP_LE"] = SeccompOperator.LessOrEqual,
        ["SCMP_CMP_EQ"] = SeccompOperator.EqualTo,
        ["SCMP_CMP_GE"] = SeccompOperator.GreaterOrEqual,
        ["SCMP_CMP_GT"] = SeccompOperator.GreaterThan,
        ["SCMP_CMP_MASKED_EQ"] = SeccompOperator.MaskedEqual,
    };

    /// <summary>The architectures of the OCI runtime spec (<c>SCMP_ARCH_*</c>).</summary>
    public static IReadOnlySet<string> Architectures { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
    };

    /// <summary>Filter flags runc knows; TSYNC is accepted and meaningless for a single-threaded exec.</summary>
    public static IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    };

    /// <param name="source">What to call the profile in errors: its file path.</param>
    public static SeccompProfile Parse(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"seccomp profile {source}: not valid JSON: {e.Message}");
        }
        using (document)
        {
            var reader = new Reader(source);
            var root = document.RootElement;
            reader.Expect(root, JsonValueKind.Object, "(root)");
            if (reader.Optional(root, "listenerPath") is { ValueKind: JsonValueKind.String } listener && listener.GetString() is { Length: > 0 })
            {
                throw reader.Error("listenerPath", "seccomp notify agents are not supported by crishim");
            }
            var architectures = reader.Strings(root, "architectures", "architectures");
            var archMap = reader.Array(root, "archMap", "archMap", (e, field) => new SeccompArchitectureGroup(
                reader.Architecture(reader.RequiredString(e, "architecture", field + ".architecture"), field + ".architecture"),
                reader.Strings(e, "subArchitectures", field + ".subArchitectures").Select((a, i) => reader.Architecture(a, $"{field}.subArchitectures[{i}]")).ToList()));
            if (architectures.Count > 0 && archMap.Count > 0)
            {
                throw reader.Error("architectures", "both 'architectures' and 'archMap' are set; use one of them");
            }
            return new SeccompProfile
            {
                Source = source,
                DefaultAction = reader.Action(root, "defaultAction", "defaultAction"),
                DefaultErrnoRet = reader.OptionalErrno(root, "defaultErrnoRet", "defaultErrnoRet"),
                Architectures = architectures.Select((a, i) => reader.Architecture(a, $"architectures[{i}]")).ToList(),
                ArchMap = archMap,
                Syscalls = reader.Array(root, "syscalls", "syscalls", reader.Rule),
                Flags = reader.Strings(root, "flags", "flags").Select((f, i) => Flags.Contains(f) ? f : throw reader.Error($"flags[{i}]", $"unknown flag \"{f}\" (known: {string.Join(", ", Flags)})")).ToList(),
            };
        }
    }

    private sealed class Reader(string source)
    {
        public InvalidArgumentException Error(string field, string problem) =>
            new($"seccomp profile {source}: {field}: {problem}");

        public void Expect(JsonElement element, JsonValueKind kind, string field)
        {
            if (element.ValueKind != kind)
            {
                throw Error(field, $"expected {Describe(kind)}, found {Describe(element.ValueKind)}");
            }
        }

        public JsonElement? Optional(JsonElement obj, string name)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
                }
            }
            return null;
        }

        public string RequiredString(JsonElement obj, string name, string field)
        {
            var value = Optional(obj, name) ?? throw Error(field, "is required");
            Expect(value, JsonValueKind.String, field);
            return value.GetString()!;
        }

        public IReadOnlyList<string> Strings(JsonElement obj, string name, string field) =>
            Array(obj, name, field, (e, f) =>
            {
                Expect(e, JsonValueKind.String, f);
                return e.GetString()!;
            });

        public IReadOnlyList<T> Array<T>(JsonElement obj, string name, string field, Func<JsonElement, string, T> item)
        {
            if (Optional(obj, name) is not { } array)
            {
                return [];
            }
            Expect(array, JsonValueKind.Array, field);
            return array.EnumerateArray().Select((e, i) => item(e, $"{field}[{i}]")).ToList();
        }

        public SeccompAction Action(JsonElement obj, string name, string field)
        {
            var action = RequiredString(obj, name, field);
            if (action == "SCMP_ACT_NOTIFY")
            {
                throw Error(field, "SCMP_ACT_NOTIFY needs a seccomp notify agent, which crishim does not run");
            }
            return Actions.TryGetValue(action, out var known)
                ? known
                : throw Error(field, $"unknown action \"{action}\" (known: {string.Join(", ", Actions.Keys)})");
        }

        public int? OptionalErrno(JsonElement obj, string name, string field)
        {
            if (Optional(obj, name) is not { } value)
            {
                return null;
            }
            return value.ValueKind == JsonValueKind.Number && value.TryGetUInt16(out var number)
                ? number
                : throw Error(field, $"expected a number from 0 to 65535, found {value.GetRawText()}");
        }

        public string Architecture(string name, string field) =>
            Architectures.Contains(name) ? name : throw Error(field, $"unknown architecture \"{name}\" (expected SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64...)");

        public SeccompProfileRule Rule(JsonElement rule, string field)
        {
            Expect(rule, JsonValueKind.Object, field);
            var names = Strings(rule, "names", field + ".names");
            if (Optional(rule, "name") is { } single)
            {
                if (names.Count > 0)
                {
                    throw Error(field, "both 'name' and 'names' are set; use one of them");
                }
                Expect(single, JsonValueKind.String, field + ".name");
                names = [single.GetString()!];
            }
            if (names.Count == 0 || names.Any(n => n.Length == 0))
            {
                throw Error(field + ".names", "needs at least one syscall name, none empty");
            }
            var action = Action(rule, "action", field + ".action");
            var errnoRet = OptionalErrno(rule, "errnoRet", field + ".errnoRet");
            if (errnoRet is not null && action is not (SeccompAction.Errno or SeccompAction.Trace))
            {
                throw Error(field + ".errnoRet", "is only allowed with SCMP_ACT_ERRNO and SCMP_ACT_TRACE");
            }
            return new SeccompProfileRule
            {
                Names = names,
                Action = action,
                ErrnoRet = errnoRet,
                Args = Array(rule, "args", field + ".args", Argument),
                Includes = Condition(rule, "includes", field + ".includes"),
                Excludes = Condition(rule, "excludes", field + ".excludes"),
            };
        }

        private SeccompArgument Argument(JsonElement arg, string field)
        {
            Expect(arg, JsonValueKind.Object, field);
            var index = Optional(arg, "index") is { } i && i.ValueKind == JsonValueKind.Number && i.TryGetUInt32(out var n) && n < 6
                ? n
                : throw Error(field + ".index", "expected a syscall argument index from 0 to 5");
            var op = RequiredString(arg, "op", field + ".op");
            return new SeccompArgument
            {
                Index = index,
                Value = Unsigned(arg, "value", field + ".value"),
                ValueTwo = Unsigned(arg, "valueTwo", field + ".valueTwo"),
                Op = Operators.TryGetValue(op, out var known)
                    ? known
                    : throw Error(field + ".op", $"unknown operator \"{op}\" (known: {string.Join(", ", Operators.Keys)})"),
            };
        }

        private ulong Unsigned(JsonElement obj, string name, string field) =>
            Optional(obj, name) is not { } value ? 0
            : value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number) ? number
            : throw Error(field, $"expected an unsigned 64-bit number, found {value.GetRawText()}");

        private SeccompRuleCondition? Condition(JsonElement rule, string name, string field)
        {
            if (Optional(rule, name) is not { } condition)
            {
                return null;
            }
            Expect(condition, JsonValueKind.Object, field);
            Version? minKernel = null;
            if (Optional(condition, "minKernel") is { } kernel)
            {
                Expect(kernel, JsonValueKind.String, field + ".minKernel");
                minKernel = KernelVersion(kernel.GetString()!) ?? throw Error(field + ".minKernel", $"\"{kernel.GetString()}\" is not a kernel version such as \"4.8\"");
            }
            return new SeccompRuleCondition
            {
                Caps = Strings(condition, "caps", field + ".caps"),
                Arches = Strings(condition, "arches", field + ".arches"),
                MinKernel = minKernel,
            };
        }

        private static Version? KernelVersion(string text)
        {
            var parts = text.Split('.');
            return parts.Length is >= 2 and <= 3 &&
                int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) &&
                int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
                ? new Version(major, minor)
                : null;
        }

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        };
    }
}
