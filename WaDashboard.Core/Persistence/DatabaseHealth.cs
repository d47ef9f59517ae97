namespace WaDashboard.Core.Persistence;

/// <summary>Thrown instead of accepting a change the database cannot keep; the HTTP layer answers 503.</summary>
public sealed class DatabaseUnavailableException(string message) : Exception(message);

/// <summary>What the database looks like right now, from the last commit and the last probe.</summary>
public sealed record DatabaseHealthState(bool CommitFailing, string? ProbeProblem, string? CommitProblem, DateTimeOffset? FailingSince)
{
    public static readonly DatabaseHealthState Healthy = new(false, null, null, null);

    /// <summary>Writes are accepted only while neither the last commit nor the last probe failed.</summary>
    public bool CanWrite => !CommitFailing && ProbeProblem is null;

    /// <summary>What a person reads in the banner, the alert and the 503.</summary>
    public string? Problem => ProbeProblem ?? CommitProblem;

    /// <summary>
    /// A commit that succeeded clears a commit failure but not a probe's finding (a commit into a deleted SQLite file
    /// "succeeds" and is lost); a probe that succeeded made a real write, so it clears both.
    /// </summary>
    public DatabaseHealthState After(DatabaseObservation observation, DateTimeOffset now)
    {
        var next = observation switch
        {
            CommitSucceeded => this with { CommitFailing = false, CommitProblem = null },
            CommitFailed failed => this with { CommitFailing = true, CommitProblem = failed.Problem },
            ProbeSucceeded => this with { CommitFailing = false, CommitProblem = null, ProbeProblem = null },
            ProbeFailed failed => this with { ProbeProblem = failed.Problem },
            _ => this,
        };
        return next.CanWrite ? next with { FailingSince = null } : next with { FailingSince = FailingSince ?? now };
    }
}

public abstract record DatabaseObservation;

public sealed record CommitSucceeded : DatabaseObservation;

public sealed record CommitFailed(string Problem) : DatabaseObservation;

public sealed record ProbeSucceeded : DatabaseObservation;

public sealed record ProbeFailed(string Problem) : DatabaseObservation;

/// <summary>
/// Whether the database can take a write, fed by every batched commit and by <see cref="DatabaseProbe"/>; provider
/// neutral. /healthz, the page banner, the alert and the write gate (503) read it.
/// </summary>
public sealed class DatabaseHealth(TimeProvider time)
{
    private readonly object _lock = new();
    private DatabaseHealthState _state = DatabaseHealthState.Healthy;

    public DatabaseHealthState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public bool CanWrite => State.CanWrite;

    /// <summary>Raised (outside any lock) when <see cref="DatabaseHealthState.CanWrite"/> or the problem text changes.</summary>
    public event Action<DatabaseHealthState>? Changed;

    public void Observe(DatabaseObservation observation)
    {
        DatabaseHealthState before, after;
        lock (_lock)
        {
            before = _state;
            after = _state = _state.After(observation, time.GetUtcNow());
        }

        if (before.CanWrite != after.CanWrite || before.Problem != after.Problem)
        {
            Changed?.Invoke(after);
        }
    }

    /// <summary>Refuses a change the database cannot keep.</summary>
    public void EnsureWritable()
    {
        var state = State;
        if (!state.CanWrite)
        {
            throw new DatabaseUnavailableException(state.Problem ?? DatabaseText.Say("Database.CannotWrite"));
        }
    }

    /// <summary>A short text for a failed commit; the exception's own text stays in the log.</summary>
    public static string DescribeCommitFailure(Exception error) =>
        DatabaseText.Say("Database.SaveFailed", error.GetType().Name.Replace("Exception", "", StringComparison.Ordinal), FirstLine(error.GetBaseException().Message));

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 160 ? line : line[..160];
    }
}
