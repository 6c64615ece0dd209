namespace CriShim.Bench;

/// <summary>How much to measure: the full run (default) or the quick one for development.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
    public int Warmup { get; init; } = 3;
    public int Samples { get; init; } = 30;
    public int PullSamples { get; init; } = 10;

    /// <summary>Running containers during the ListContainers/ListContainerStats benchmark.</summary>
    public int ListContainers { get; init; } = 50;

    /// <summary>Pods (one sleep container each) for the density measurement.</summary>
    public int DensityPods { get; init; } = 30;

    /// <summary>Pod cycles for the daemon leak measurement (RSS and fds sampled along the way).</summary>
    public int Cycles { get; init; } = 1000;

    /// <summary>Pods started with the daemon at debug, for the step breakdown.</summary>
    public int StepCalls { get; init; } = 20;

    /// <summary>When set, only benchmarks whose name contains this text run ("density" for the memory measurement).</summary>
    public string? Only { get; init; }

    public bool Includes(string benchmark) => Only is null || benchmark.Contains(Only, StringComparison.OrdinalIgnoreCase);

    public string BinDir { get; init; } = "";
    public string ResultsDir { get; init; } = "";

    /// <summary>Fixed, so a run finds and removes what an interrupted earlier run left.</summary>
    public string WorkDir { get; init; } = "/tmp/crishim-bench";

    public const string Usage = """
        usage: crishim-bench [--quick] [--samples N] [--pods N] [--cycles N] [--only TEXT] [--bin-dir DIR] [--results DIR]
          --quick      few samples, 10 listed containers, 5 density pods, 50 pod cycles, 5 step-breakdown pods
          --samples N  measured samples per operation (default 30; pulls: a third)
          --pods N     pods for the density measurement (default 30)
          --cycles N   create/start/stop/remove pod cycles for crishim's leak measurement (default 1000)
          --only TEXT  run only the benchmarks whose name contains TEXT (e.g. "pod", "list", "density", "steps", "cycles")
          --bin-dir    where crishim and crishim-runtime are (default: out/bin of the checkout)
          --results    where results JSON and SVG go (default: bench/results of the checkout)
        """;

    public static BenchOptions Parse(string[] args, string checkout)
    {
        var options = new BenchOptions
        {
            BinDir = Path.Combine(checkout, "out", "bin"),
            ResultsDir = Path.Combine(checkout, "bench", "results"),
        };
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick":
                    options = options with { Quick = true, Warmup = 1, Samples = 5, PullSamples = 3, ListContainers = 10, DensityPods = 5, Cycles = 50, StepCalls = 5 };
                    break;
                case "--samples":
                    var samples = Positive(Value());
                    options = options with { Samples = samples, PullSamples = Math.Max(1, samples / 3) };
                    break;
                case "--pods":
                    options = options with { DensityPods = Positive(Value()) };
                    break;
                case "--cycles":
                    options = options with { Cycles = Positive(Value()) };
                    break;
                case "--only":
                    options = options with { Only = Value() };
                    break;
                case "--bin-dir":
                    options = options with { BinDir = Path.GetFullPath(Value()) };
                    break;
                case "--results":
                    options = options with { ResultsDir = Path.GetFullPath(Value()) };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return options;
    }

    private static int Positive(string text) =>
        int.TryParse(text, out var value) && value > 0 ? value : throw new ArgumentException($"'{text}' is not a positive number");
}
