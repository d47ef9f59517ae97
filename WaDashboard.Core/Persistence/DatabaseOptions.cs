using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Persistence;

/// <summary>The database engines the dashboard runs on, each with its own migrations assembly.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded, the default: one file under the data directory.</summary>
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>
/// Bound from "Database", with the connection string from "ConnectionStrings:WaDashboard". An empty connection string
/// with SQLite means the file {Storage:DataDirectory}/wadashboard.db; the server providers need one.
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";
    public const string ConnectionStringName = "WaDashboard";

    /// <summary>Sqlite, SqlServer or Postgres (any letter case).</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>From ConnectionStrings:WaDashboard; for SQLite an empty one is replaced by the default file.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>SQL Server and PostgreSQL: a command that fails with a transient error is retried this many times.</summary>
    [Range(0, 20)]
    public int MaxRetryCount { get; set; } = 6;

    /// <summary>SQL Server and PostgreSQL: the longest wait between two retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The provider <see cref="Provider"/> names (a method: validation reads every property, this one throws).</summary>
    public DatabaseProvider Kind() => Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
        ? kind
        : throw new InvalidOperationException(UnknownProvider(Provider));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(Provider, out _))
        {
            yield return new ValidationResult(UnknownProvider(Provider), [nameof(Provider)]);
            yield break;
        }

        if (kind != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"Database:Provider is {kind}, so ConnectionStrings:{ConnectionStringName} must say where the server is, e.g. " +
                (kind == DatabaseProvider.Postgres
                    ? "\"Host=db;Port=5432;Database=wadashboard;Username=wadashboard;Password=...\""
                    : "\"Server=db;Database=WaDashboard;User Id=wadashboard;Password=...;TrustServerCertificate=True\"") +
                $" (environment ConnectionStrings__{ConnectionStringName}). Or set Database:Provider to Sqlite for the embedded database.",
                [nameof(ConnectionString)]);
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString) && DatabaseSetup.ConnectionStringProblem(kind, ConnectionString) is { } problem)
        {
            yield return new ValidationResult(
                $"ConnectionStrings:{ConnectionStringName} is not a valid {kind} connection string: {problem}", [nameof(ConnectionString)]);
        }
    }

    private static string UnknownProvider(string value) =>
        $"Database:Provider is \"{value}\"; it must be Sqlite (the embedded default, a file under Storage:DataDirectory), SqlServer or Postgres.";
}
