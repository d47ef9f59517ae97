using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Storage;

/// <summary>Bound from the "Storage" section.</summary>
public sealed class StorageOptions
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
}
