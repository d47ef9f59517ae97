using Microsoft.Extensions.Logging;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Diagnostics;

/// <summary>Every account's diagnosis plus what the sessions root holds beside them (folders without an account).</summary>
public sealed record FleetDiagnosis(DateTimeOffset At, IReadOnlyList<AccountDiagnosis> Accounts, IReadOnlyList<SessionFinding> StorageFindings)
{
    /// <summary>Every finding of the fleet, worst first.</summary>
    public IReadOnlyList<SessionFinding> Findings => SessionFinding.Sort(Accounts.SelectMany(a => a.Findings).Concat(StorageFindings));

    public long SessionBytes => Accounts.Sum(a => a.Session.SizeBytes);
}

/// <summary>What an action did, and whether a code for the phone is now on the account's page.</summary>
public sealed record ActionOutcome(bool Done, string Message, bool ShowsCode = false, long BytesFreed = 0);

/// <summary>
/// The Diagnostics page's and the API's entry point: diagnoses one account or the whole fleet (read-only), and runs the
/// one action of a finding. Actions that change an account's session go to its supervisor as commands.
/// </summary>
public sealed class StorageDiagnostics(
    Fleet fleet,
    SessionFolders folders,
    SessionInspector inspector,
    SessionQuarantine quarantine,
    CredsBackups backups,
    SessionSnapshotStore snapshots,
    FleetEvents events,
    TimeProvider time,
    ILogger<StorageDiagnostics> logger)
{
    public async Task<AccountDiagnosis?> DiagnoseAsync(string accountId, CancellationToken cancellationToken)
    {
        if (fleet.Get(accountId) is not { } account)
        {
            return null;
        }

        var baseline = account.Generation >= 1 ? await snapshots.BaselineAsync(account.Id, account.Generation, cancellationToken) : null;
        return Diagnose(account, baseline, deep: true);
    }

    public async Task<FleetDiagnosis> DiagnoseFleetAsync(CancellationToken cancellationToken)
    {
        // Folders first, accounts second (see CleanupPlanner): a folder seen here belongs to a listed account, or to none.
        var entries = FolderWalker.List(folders.Root);
        var accounts = fleet.Accounts;
        var baselines = await snapshots.BaselinesAsync(cancellationToken);
        var diagnoses = new List<AccountDiagnosis>(accounts.Count);
        // Sessions kept by a gateway have no local folder: their storage is the gateway's.
        foreach (var account in accounts.Where(a => !fleet.Engine.IsRemote(a.Id)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            diagnoses.Add(Diagnose(account, baselines.GetValueOrDefault((account.Id, account.Generation)), deep: false));
        }

        var known = accounts.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var orphans = new List<SessionFinding>();
        foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (SessionFolders.IsReservedName(entry.Name) || known.Contains(entry.Name))
            {
                continue;
            }

            var stats = FolderWalker.Measure(entry.FullName);
            orphans.Add(SessionFinding.Of(FindingKind.OrphanFolder,
                FindingEvidence.Say(AccountId.IsValid(entry.Name) ? "Orphan.Removed" : "Orphan", entry.Name, SessionInspector.FormatSize(stats.Bytes), SessionInspector.CountFiles(stats.Files))) with
            {
                Path = entry.Name,
                Bytes = stats.Bytes,
            });
        }

        return new FleetDiagnosis(time.GetUtcNow(), diagnoses, orphans);
    }

    public IReadOnlyList<CredsBackup> Backups(string accountId) => AccountId.IsValid(accountId) ? backups.List(accountId) : [];

    public IReadOnlyList<QuarantineEntry> QuarantineEntries() => quarantine.List();

    /// <summary>Runs the action of a finding for an account (or, for an orphan, a folder in the sessions root).</summary>
    public async Task<ActionOutcome> RunAsync(SessionFinding finding, CancellationToken cancellationToken) =>
        finding.Action == RepairAction.QuarantineFolder
            ? QuarantineOrphan(finding.Path)
            : finding.AccountId is { } id
                ? await RunAsync(id, finding.Action, finding.Generation, cancellationToken)
                : new ActionOutcome(false, DiagnosisAnswers.Say("Action.NoAccount"));

    public async Task<ActionOutcome> RunAsync(string accountId, RepairAction action, int? generation, CancellationToken cancellationToken)
    {
        if (fleet.Get(accountId) is null)
        {
            return new ActionOutcome(false, DiagnosisAnswers.Say("Action.NoSuchAccount"));
        }

        SessionCommand? command = action switch
        {
            RepairAction.ClearSession => new ClearSessionCommand(),
            RepairAction.Reconnect => new ReconnectCommand(),
            RepairAction.ScanQr => new LinkCommand(LinkMode.Qr),
            RepairAction.TrimCaches => new MaintainSessionCommand(new TrimCaches()),
            RepairAction.RemoveStaleLock => new MaintainSessionCommand(new RemoveStaleLocks()),
            RepairAction.RemoveTempFiles => new MaintainSessionCommand(new RemoveTempFiles()),
            RepairAction.QuarantineGeneration when generation is { } g => new MaintainSessionCommand(new QuarantineOldGeneration(g)),
            _ => null,
        };

        if (command is null)
        {
            return new ActionOutcome(false, action == RepairAction.QuarantineGeneration
                ? DiagnosisAnswers.Say("Action.WhichGeneration")
                : DiagnosisAnswers.Say("Action.None"));
        }

        var result = await fleet.SendAsync(accountId, command, cancellationToken);
        return new ActionOutcome(result.Accepted, result.Message,
            ShowsCode: result.Accepted && action is RepairAction.ClearSession or RepairAction.ScanQr, result.BytesFreed);
    }

    /// <summary>Restores a creds.json backup into the account's current generation (through its supervisor; refused while in use).</summary>
    public async Task<ActionOutcome> RestoreCredsAsync(string accountId, string? backupId, CancellationToken cancellationToken)
    {
        if (!CredsBackups.IsBackupId(backupId))
        {
            return new ActionOutcome(false, DiagnosisAnswers.Say("Action.NotABackup", backupId));
        }

        var result = await fleet.SendAsync(accountId, new MaintainSessionCommand(new RestoreCreds(backupId!)), cancellationToken);
        return new ActionOutcome(result.Accepted, result.Message);
    }

    /// <summary>
    /// Moves a folder that belongs to no account into the quarantine. The name comes from a person or a request: it must
    /// be exactly the name of an entry directly in the sessions root, not the dashboard's own, and not an account's.
    /// </summary>
    public ActionOutcome QuarantineOrphan(string? name)
    {
        try
        {
            var (done, message) = quarantine.MoveRootEntry(name, n => AccountId.IsValid(n) ? fleet.Get(n)?.Name : null,
                "Moved from the Diagnostics page: the folder belongs to no account");
            if (done)
            {
                events.Publish(new SessionStorageChanged(null));
            }

            return new ActionOutcome(done, message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not quarantine the orphan folder {Name}", name);
            return new ActionOutcome(false, DiagnosisAnswers.Say("Action.MoveFailed", name, ex.Message));
        }
    }

    private AccountDiagnosis Diagnose(AccountState account, SessionSnapshot? baseline, bool deep)
    {
        var now = time.GetUtcNow();
        var inUse = SessionTransitions.IsActive(account.Status);
        var accountFolder = folders.AccountFolder(account.Id);
        var session = account.Generation >= 1
            ? inspector.Inspect(folders.GenerationFolder(account.Id, account.Generation),
                new InspectionContext(inUse, now, deep, baseline is null ? null : new KeyFileBaseline(baseline.At, baseline.KeyFileCounts)))
            : new SessionInspection
            {
                Folder = accountFolder,
                Exists = false,
                MaxSizeBytes = inspector.Options.MaxSizeBytes,
                MaxFileCount = inspector.Options.MaxFileCount,
                Login = LoginCheck.Broken("No login: the account has no session generation yet (it was never linked)."),
            };

        var old = new List<OldGeneration>();
        foreach (var child in FolderWalker.List(accountFolder))
        {
            if (child is DirectoryInfo && !FolderWalker.IsLink(child) && CleanupPlanner.GenerationOf(child.Name) is { } generation && generation < account.Generation)
            {
                old.Add(new OldGeneration(generation, FolderWalker.Measure(child.FullName)));
            }
        }

        return SessionAdvisor.Diagnose(account, session, old.OrderBy(o => o.Generation).ToList(), now);
    }
}
