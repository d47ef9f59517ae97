using System.Globalization;

namespace WaDashboard.Bench.Running;

/// <summary>What to run and at which size. Defaults are the full size recorded in docs/benchmarks.md.</summary>
public sealed record BenchOptions
{
    public const int FullFleet = 10_000;
    public const int FullUiFleet = 2_000;

    public static readonly string[] AllScenarios = ["fleet", "pipeline", "storm", "ui", "storage"];

    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    /// <summary>Fleet size for fleet, pipeline, storm, storage and the Accounts page's first screen.</summary>
    public int Accounts { get; init; } = FullFleet;

    /// <summary>Fleet size of the ui scenario's live part; by default the smaller of <see cref="Accounts"/> and 2,000.</summary>
    public int? UiAccounts { get; init; }

    public int EffectiveUiAccounts => UiAccounts ?? Math.Min(Accounts, FullUiFleet);

    public int Tabs { get; init; } = 25;

    public double UiSeconds { get; init; } = 30;

    public double ChangesPerSecond { get; init; } = 20;

    /// <summary>How long the fleet scenario watches an idle process's CPU (the connection monitor runs every 30 s).</summary>
    public double IdleSeconds { get; init; } = 30;

    public double PipelineSeconds { get; init; } = 10;

    /// <summary>Offered engine events per second in the pipeline's latency phase (the target rate).</summary>
    public double PipelineRate { get; init; } = 5_000;

    /// <summary>The pipeline's database: the embedded SQLite file (the default) or a durable PostgreSQL server started for the run.</summary>
    public string PipelineDatabase { get; init; } = "sqlite";

    /// <summary>Reconnect:ConnectRatePercent for the fleet scenario's start-up; null keeps the product's setting (2 %).</summary>
    public double? ConnectRatePercent { get; init; }

    /// <summary>Pre-key files in each generated Baileys folder of the storage scenario (Baileys uploads 30 at first).</summary>
    public int StoragePreKeys { get; init; } = 30;

    public string JsonPath { get; init; } = "bench-results.json";

    /// <summary>Product settings for the pipeline's Core (e.g. Persistence:CheckpointInterval), to try a setting's effect.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the pipeline writes each latency sample and each GC pause of its paced phase (CSV), to see when stalls happen.</summary>
    public string? LatencyTracePath { get; init; }

    public string? WorkDirectory { get; init; }

    public bool Keep { get; init; }

    public bool Help { get; init; }

    public const string Usage = """
        WaDashboard benchmark: each scenario measures the product beside a floor measured in the same run,
        prints a table with the targets (PASS/FAIL) and writes JSON.

        dotnet run -c Release --project WaDashboard.Bench -- [options]

          --scenario S          fleet | pipeline | storm | ui | storage | all (default all; a comma list works too)
          --accounts N          fleet size (default 10000): fleet, pipeline, storm, storage, first screen of the Accounts page
          --json PATH           where to write the results (default bench-results.json)
          --ui-accounts N       accounts in the ui scenario's live part (default: the smaller of --accounts and 2000)
          --tabs N              browser tabs on the Accounts page (default 25)
          --ui-seconds S        how long the status changes run (default 30)
          --changes-per-second R  status changes injected per second (default 20)
          --idle-seconds S      idle CPU window of the fleet scenario (default 30; the connection monitor runs every 30 s)
          --pipeline-seconds S  length of each pipeline phase (default 10)
          --pipeline-rate R     offered engine events per second in the pipeline's latency phase (default 5000)
          --pipeline-database D sqlite (default: the embedded file) | postgres (a durable PostgreSQL server started for the run)
          --connect-rate-percent P  Reconnect:ConnectRatePercent for the fleet scenario's start-up (default: the product's 2)
          --storage-prekeys N   pre-key files per generated Baileys folder (default 30)
          --set KEY=VALUE       a product setting for the pipeline's Core, e.g. Persistence:CheckpointInterval=00:00:00.250 (repeatable)
          --latency-trace PATH  pipeline: write every paced sample (start ms, latency ms, GC-overlapped) to PATH and the GC pauses to PATH.pauses
          --work-dir PATH       where to put the generated data (default: a new folder under the system temp folder)
          --keep                keep the generated data
          --help                this text
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new BenchUsageException($"{name} needs a value.");
                }

                return args[++i];
            }

            options = name switch
            {
                "--scenario" => options with { Scenarios = ParseScenarios(Value()) },
                "--accounts" => options with { Accounts = Int(name, Value(), 10, 100_000) },
                "--json" => options with { JsonPath = NonEmpty(name, Value()) },
                "--ui-accounts" => options with { UiAccounts = Int(name, Value(), 10, 100_000) },
                "--tabs" => options with { Tabs = Int(name, Value(), 1, 60) },
                "--ui-seconds" => options with { UiSeconds = Number(name, Value(), 1, 3_600) },
                "--changes-per-second" => options with { ChangesPerSecond = Number(name, Value(), 0.5, 1_000) },
                "--idle-seconds" => options with { IdleSeconds = Number(name, Value(), 1, 3_600) },
                "--pipeline-seconds" => options with { PipelineSeconds = Number(name, Value(), 1, 3_600) },
                "--pipeline-rate" => options with { PipelineRate = Number(name, Value(), 10, 1_000_000) },
                "--pipeline-database" => options with { PipelineDatabase = OneOf(name, Value(), "sqlite", "postgres") },
                "--connect-rate-percent" => options with { ConnectRatePercent = Number(name, Value(), 0.01, 100) },
                "--storage-prekeys" => options with { StoragePreKeys = Int(name, Value(), 1, 5_000) },
                "--set" => options with { Settings = Setting(options.Settings, Value()) },
                "--latency-trace" => options with { LatencyTracePath = NonEmpty(name, Value()) },
                "--work-dir" => options with { WorkDirectory = NonEmpty(name, Value()) },
                "--keep" => options with { Keep = true },
                "--help" or "-h" => options with { Help = true },
                _ => throw new BenchUsageException($"Unknown option '{name}'."),
            };
        }

        if (options.Scenarios.Contains("ui") && options.EffectiveUiAccounts < options.Tabs)
        {
            throw new BenchUsageException($"The ui scenario needs at least one account per tab: {options.EffectiveUiAccounts} accounts for {options.Tabs} tabs.");
        }

        return options;
    }

    private static Dictionary<string, string> Setting(IReadOnlyDictionary<string, string> settings, string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new BenchUsageException($"--set needs KEY=VALUE, got '{value}'.");
        }

        return new Dictionary<string, string>(settings) { [value[..equals]] = value[(equals + 1)..] };
    }

    private static IReadOnlyList<string> ParseScenarios(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToList();
        if (names.Contains("all"))
        {
            return AllScenarios;
        }

        var unknown = names.Where(n => !AllScenarios.Contains(n)).ToList();
        if (names.Count == 0 || unknown.Count > 0)
        {
            throw new BenchUsageException($"Unknown scenario '{string.Join(",", unknown)}'. Use one of: {string.Join(", ", AllScenarios)}, all.");
        }

        // Run in the documented order whatever order they were named in.
        return AllScenarios.Where(names.Contains).ToList();
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new BenchUsageException($"{name} must be a whole number from {min} to {max}; got '{value}'.");

    private static double Number(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new BenchUsageException($"{name} must be a number from {min} to {max}; got '{value}'.");

    private static string OneOf(string name, string value, params string[] allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
        ?? throw new BenchUsageException($"{name} must be one of {string.Join(", ", allowed)}; got '{value}'.");

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new BenchUsageException($"{name} needs a non-empty value.") : value;
}

/// <summary>The command line was wrong; the message says what to change.</summary>
public sealed class BenchUsageException(string message) : Exception(message);
