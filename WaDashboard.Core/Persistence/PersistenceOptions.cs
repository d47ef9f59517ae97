namespace WaDashboard.Core.Persistence;

/// <summary>Bound from "Persistence".</summary>
public sealed class PersistenceOptions
{
    public const string Section = "Persistence";

    /// <summary>The state writer commits up to this many changes in one transaction.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int MaxBatch { get; set; } = 500;

    /// <summary>SQLite: how often the write-ahead log is copied back into the database, beside the writers.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a write is tried to prove the database still takes writes (see DatabaseProbe).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HealthProbeInterval { get; set; } = TimeSpan.FromSeconds(5);
}
