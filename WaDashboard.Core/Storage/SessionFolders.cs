using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>
/// Builds and removes session folders: {root}/{accountId}/{generation}/. Paths are made only from a
/// validated generated id and a positive generation number and checked to stay under the root.
/// </summary>
public sealed class SessionFolders
{
    public const string QuarantineFolderName = ".quarantine";
    public const string BackupsFolderName = ".backups";
    public const string LockFileName = ".wadashboard.lock";

    private readonly ILogger<SessionFolders> _logger;

    public SessionFolders(IOptions<StorageOptions> options, ILogger<SessionFolders> logger)
    {
        _logger = logger;
        Root = options.Value.ResolveSessionsRoot();
    }

    public string Root { get; }

    public string QuarantineRoot => Path.Combine(Root, QuarantineFolderName);

    public string BackupsRoot => Path.Combine(Root, BackupsFolderName);

    public string LockFile => Path.Combine(Root, LockFileName);

    /// <summary>Names in the root that belong to the dashboard itself, never to an account.</summary>
    public static bool IsReservedName(string name) => name is QuarantineFolderName or BackupsFolderName or LockFileName;

    /// <summary>True for the dashboard's own entries in the root and anything inside them.</summary>
    public bool IsReservedPath(string path)
    {
        if (!SessionPaths.IsInside(Root, path))
        {
            return false;
        }

        var first = SessionPaths.Relative(Root, path).Split('/')[0];
        return IsReservedName(first);
    }

    public string AccountFolder(string accountId)
    {
        if (!AccountId.IsValid(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not an account id; session folders are addressed by generated ids only.", nameof(accountId));
        }

        return Contained(Path.Combine(Root, accountId));
    }

    public string GenerationFolder(string accountId, int generation)
    {
        if (generation < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(generation), generation, "Session generations start at 1.");
        }

        return Contained(Path.Combine(AccountFolder(accountId), generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Removes a generation's folder after an explicit logout: renamed into the quarantine first (atomic on one
    /// volume), then deleted, so a crash never leaves a half-deleted login in place.
    /// </summary>
    public void DeleteGeneration(string accountId, int generation)
    {
        if (generation < 1)
        {
            return;
        }

        var folder = GenerationFolder(accountId, generation);
        if (!Directory.Exists(folder))
        {
            return;
        }

        var quarantine = Path.Combine(Root, QuarantineFolderName);
        Directory.CreateDirectory(quarantine);
        var target = Path.Combine(quarantine, $"{SessionQuarantine.PurgingPrefix}{accountId}-{generation}-{Guid.NewGuid():N}");
        Directory.Move(folder, target);
        Directory.Delete(target, recursive: true);
        _logger.LogInformation("Removed session folder of {AccountId} generation {Generation}", accountId, generation);
    }

    public void DeleteAccount(string accountId)
    {
        var folder = AccountFolder(accountId);
        if (!Directory.Exists(folder))
        {
            return;
        }

        var quarantine = Path.Combine(Root, QuarantineFolderName);
        Directory.CreateDirectory(quarantine);
        var target = Path.Combine(quarantine, $"{SessionQuarantine.PurgingPrefix}{accountId}-all-{Guid.NewGuid():N}");
        Directory.Move(folder, target);
        Directory.Delete(target, recursive: true);
    }

    private string Contained(string path)
    {
        var full = Path.GetFullPath(path);
        if (!SessionPaths.IsInside(Root, full))
        {
            throw new UnauthorizedAccessException($"The path '{path}' is outside the sessions root.");
        }

        return full;
    }
}
