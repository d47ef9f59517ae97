using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Storage;

/// <summary>Bound from the "Storage" section.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>Everything the dashboard writes lives under here unless a path below says otherwise.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Storage:DataDirectory must name a folder, e.g. \"data\".")]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Root of the session folders; empty means {DataDirectory}/sessions.</summary>
    public string SessionsRoot { get; set; } = "";

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string ResolveSessionsRoot() =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(SessionsRoot) ? Path.Combine(DataDirectory, "sessions") : SessionsRoot);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield break;
        }

        // Everything in the sessions root that is not an account's folder counts as an orphan and can be cleaned up,
        // so the root must never hold the database or the logs.
        var data = Path.TrimEndingDirectorySeparator(ResolveDataDirectory());
        var sessions = Path.TrimEndingDirectorySeparator(ResolveSessionsRoot());
        if (data == sessions || SessionPaths.IsInside(sessions, data))
        {
            yield return new ValidationResult(
                $"Storage:SessionsRoot ({sessions}) must not be Storage:DataDirectory ({data}) or a folder above it: the sessions root holds only session folders. Leave it empty for {{DataDirectory}}/sessions.",
                [nameof(SessionsRoot)]);
        }
    }
}
