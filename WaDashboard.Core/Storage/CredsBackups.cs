using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>A copy of an account's creds.json taken before a repair.</summary>
public sealed record CredsBackup(string Id, string AccountId, int Generation, DateTimeOffset At, long Bytes, bool HoldsLogin);

/// <summary>
/// Copies of creds.json under {sessions root}/.backups/{accountId}/, named "{generation}-{ticks}.creds.json", taken
/// before every repair that touches a session folder; the newest <see cref="SessionStorageOptions.BackupsKept"/>
/// per account are kept. A backup is restored into the same generation only (the keys around it belong to it), by
/// writing a temp file and renaming it over creds.json, so a crash leaves either the old or the restored file.
/// </summary>
public sealed partial class CredsBackups
{
    private const string Suffix = ".creds.json";

    private readonly SessionFolders _folders;
    private readonly SessionStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CredsBackups> _logger;

    public CredsBackups(SessionFolders folders, IOptions<SessionStorageOptions> options, TimeProvider time, ILogger<CredsBackups> logger)
    {
        _folders = folders;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Backs up the generation's creds.json, if it has one. Returns the backup, or null when there was nothing to back up.</summary>
    public CredsBackup? BackUp(string accountId, int generation, string reason)
    {
        var source = Path.Combine(_folders.GenerationFolder(accountId, generation), BaileysInspector.CredsFile);
        var info = new FileInfo(source);
        if (!info.Exists || FolderWalker.IsLink(info))
        {
            return null;
        }

        var folder = AccountBackups(accountId);
        Directory.CreateDirectory(folder);
        // The id is the time; two backups in the same tick get the next free one, so a backup never replaces another.
        var ticks = _time.GetUtcNow().UtcTicks;
        string id, target;
        do
        {
            id = $"{generation.ToString(CultureInfo.InvariantCulture)}-{ticks.ToString("D19", CultureInfo.InvariantCulture)}";
            target = Path.Combine(folder, id + Suffix);
            ticks++;
        }
        while (File.Exists(target));

        var temp = target + ".tmp";
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
        _logger.LogInformation("Backed up creds.json of {AccountId} generation {Generation} as {BackupId} before: {Reason}", accountId, generation, id, reason);
        Prune(accountId);
        return Describe(accountId, new FileInfo(target));
    }

    /// <summary>The account's backups, newest first.</summary>
    public IReadOnlyList<CredsBackup> List(string accountId)
    {
        var folder = AccountBackups(accountId);
        return FolderWalker.List(folder)
            .OfType<FileInfo>()
            .Where(f => !FolderWalker.IsLink(f) && f.Name.EndsWith(Suffix, StringComparison.Ordinal) && IsBackupId(f.Name[..^Suffix.Length]))
            .Select(f => Describe(accountId, f))
            .OfType<CredsBackup>()
            .OrderByDescending(b => b.At)
            .ThenByDescending(b => b.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Puts a backup back as the generation's creds.json (backing up the current one first). The backup id comes from
    /// a request: it must name one of this account's backups of this generation, nothing else.
    /// </summary>
    public (bool Done, string Message) Restore(string accountId, int generation, string? backupId)
    {
        if (!IsBackupId(backupId))
        {
            return (false, RepairAnswers.Say("Backup.NotAnId", backupId, generation));
        }

        var backup = List(accountId).FirstOrDefault(b => b.Id == backupId);
        if (backup is null)
        {
            return (false, RepairAnswers.Say("Backup.None", backupId));
        }

        if (backup.Generation != generation)
        {
            return (false, RepairAnswers.Say("Backup.OtherGeneration", backupId, backup.Generation, generation));
        }

        var folder = _folders.GenerationFolder(accountId, generation);
        if (!Directory.Exists(folder))
        {
            return (false, RepairAnswers.Say("Backup.FolderGone", generation));
        }

        BackUp(accountId, generation, $"restoring backup {backupId}");
        var target = Path.Combine(folder, BaileysInspector.CredsFile);
        var temp = target + ".restore.tmp";
        File.Copy(Path.Combine(AccountBackups(accountId), backupId + Suffix), temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
        _logger.LogInformation("Restored creds.json of {AccountId} generation {Generation} from {BackupId}", accountId, generation, backupId);
        return (true, RepairAnswers.Say("Backup.Restored", backup.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
    }

    public static bool IsBackupId(string? id) => id is not null && BackupIdPattern().IsMatch(id);

    private string AccountBackups(string accountId)
    {
        if (!AccountId.IsValid(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not an account id.", nameof(accountId));
        }

        return Path.Combine(_folders.BackupsRoot, accountId);
    }

    private void Prune(string accountId)
    {
        foreach (var old in List(accountId).Skip(_options.BackupsKept))
        {
            try
            {
                File.Delete(Path.Combine(AccountBackups(accountId), old.Id + Suffix));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(ex, "Could not delete old creds.json backup {BackupId} of {AccountId}", old.Id, accountId);
            }
        }
    }

    private static CredsBackup? Describe(string accountId, FileInfo file)
    {
        var id = file.Name[..^Suffix.Length];
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var generation = int.Parse(id[..dash], CultureInfo.InvariantCulture);
        var ticks = long.Parse(id[(dash + 1)..], CultureInfo.InvariantCulture);
        if (ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }

        var at = new DateTimeOffset(ticks, TimeSpan.Zero);
        var holdsLogin = BaileysInspector.ReadCreds(file.FullName).State == BaileysInspector.CredsState.Registered;
        return new CredsBackup(id, accountId, generation, at, file.Length, holdsLogin);
    }

    [GeneratedRegex(@"\A[1-9][0-9]{0,8}-[0-9]{19}\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex BackupIdPattern();
}
