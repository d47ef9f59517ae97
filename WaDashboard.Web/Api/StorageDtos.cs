using System.Text.Json.Serialization;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Storage;
using WaDashboard.Core.StorageJobs;

namespace WaDashboard.Web.Api;

/// <summary>GET /api/accounts/{phone}/session-info, in the shape of note 001 (session, connection, recommendations) plus the findings.</summary>
public sealed record SessionInfoDto(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("accountId")] string AccountId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("session")] SessionDto Session,
    [property: JsonPropertyName("connection")] ConnectionDto Connection,
    [property: JsonPropertyName("recommendations")] RecommendationsDto Recommendations,
    [property: JsonPropertyName("findings")] IReadOnlyList<FindingDto> Findings)
{
    public static SessionInfoDto From(AccountDiagnosis diagnosis)
    {
        var account = diagnosis.Account;
        var session = diagnosis.Session;
        var healthy = account.IsConnected && session.IsValid && !diagnosis.Findings.Any(f => f.Severity == FindingSeverity.Critical);
        return new SessionInfoDto(account.Phone.Value, account.Id, account.Status.ToString(),
            SessionDto.From(diagnosis),
            new ConnectionDto(account.IsConnected, account.Status.ToString(), new HealthDto(healthy, account.ReconnectAttempt), AccountDto.FormatLastError(account),
                account.LinkedJid, account.PushName),
            RecommendationsDto.From(diagnosis),
            diagnosis.Findings.Select(FindingDto.From).ToList());
    }
}

public sealed record SessionDto(
    [property: JsonPropertyName("exists")] bool Exists,
    [property: JsonPropertyName("isValid")] bool IsValid,
    [property: JsonPropertyName("sizeMB")] double SizeMb,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("validationDetails")] ValidationDetailsDto ValidationDetails,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("generation")] int Generation,
    [property: JsonPropertyName("fileCount")] int FileCount,
    [property: JsonPropertyName("keyFiles")] IReadOnlyDictionary<string, int> KeyFiles,
    [property: JsonPropertyName("keyFileGrowthPerDay")] IReadOnlyDictionary<string, double> KeyFileGrowthPerDay,
    [property: JsonPropertyName("trimmableMB")] double TrimmableMb,
    [property: JsonPropertyName("oldGenerations")] IReadOnlyList<int> OldGenerations,
    [property: JsonPropertyName("loginCheck")] string LoginCheck,
    [property: JsonPropertyName("loginEvidence")] IReadOnlyList<string> LoginEvidence)
{
    public static SessionDto From(AccountDiagnosis diagnosis)
    {
        var s = diagnosis.Session;
        return new SessionDto(s.Exists, s.IsValid, s.SizeMB, s.Folder, ValidationDetailsDto.From(s), s.Verdict.ToString(), s.Format.ToString(),
            diagnosis.Account.Generation, s.FileCount, s.KeyFileCounts, s.KeyFileGrowthPerDay,
            Math.Round(s.TrimmableBytes / (double)SessionStorageOptions.BytesPerMegabyte, 2), diagnosis.OldGenerations.Select(o => o.Generation).ToList(),
            diagnosis.Login.Name, diagnosis.Login.Evidence);
    }
}

/// <summary>Each validation rule with whether it passed and the numbers behind it.</summary>
public sealed record ValidationDetailsDto(
    [property: JsonPropertyName("rules")] IReadOnlyList<RuleDto> Rules,
    [property: JsonPropertyName("problems")] IReadOnlyList<string> Problems,
    [property: JsonPropertyName("requiredFiles")] IReadOnlyList<RequiredFileDto> RequiredFiles,
    [property: JsonPropertyName("maxSizeMB")] double MaxSizeMb,
    [property: JsonPropertyName("maxFileCount")] int MaxFileCount)
{
    public static ValidationDetailsDto From(SessionInspection s)
    {
        var critical = s.Problems.ToList();
        var missing = s.RequiredFiles.Where(r => !r.Present).Select(r => r.Pattern).ToList();
        var rules = new List<RuleDto>
        {
            new("exists", s.Exists && s.FileCount > 0, s.Exists ? $"{s.Folder} holds {s.FileCount} file(s)." : $"{s.Folder} does not exist."),
            new("size", !s.OverSizeLimit, $"{SessionInspector.FormatSize(s.SizeBytes)} of at most {s.MaxSizeMB} MB ({s.SizeBytes} of {s.MaxSizeBytes} bytes)."),
            new("fileCount", !s.OverFileLimit, $"{s.FileCount} of at most {s.MaxFileCount} files."),
            new("requiredFiles", s.Exists && missing.Count == 0 && s.RequiredFiles.Count > 0,
                s.RequiredFiles.Count == 0 ? "No recognised format, so no required files to check." : missing.Count == 0 ? "All present." : "Missing: " + string.Join(", ", missing)),
            new("login", s.LoginPresent, s.LoginPresent ? "A linked login is present." : s.Verdict == SessionVerdict.Unchecked ? "Could not be checked." : "No linked login."),
            new("loginProofs", s.Login.Result != LoginCheckResult.ProvenBroken, s.Login.Summary),
            new("integrity", critical.Count == 0, critical.Count == 0 ? "No corruption found." : string.Join(" ", critical.Select(p => $"{p.Title}: {p.Detail}"))),
        };
        return new ValidationDetailsDto(rules, s.Findings.Where(f => f.Severity != FindingSeverity.Info).Select(f => $"{f.Title}: {f.Detail}").ToList(),
            s.RequiredFiles.Select(r => new RequiredFileDto(r.Pattern, r.Present)).ToList(), s.MaxSizeMB, s.MaxFileCount);
    }
}

public sealed record RuleDto(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("passed")] bool Passed,
    [property: JsonPropertyName("detail")] string Detail);

public sealed record RequiredFileDto(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("present")] bool Present);

public sealed record ConnectionDto(
    [property: JsonPropertyName("isConnected")] bool IsConnected,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("health")] HealthDto Health,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("jid")] string? Jid,
    [property: JsonPropertyName("pushName")] string? PushName);

public sealed record HealthDto(
    [property: JsonPropertyName("isHealthy")] bool IsHealthy,
    [property: JsonPropertyName("reconnectAttempts")] int ReconnectAttempts);

public sealed record RecommendationsDto(
    [property: JsonPropertyName("shouldClearSession")] bool ShouldClearSession,
    [property: JsonPropertyName("shouldReconnect")] bool ShouldReconnect,
    [property: JsonPropertyName("needsQRScan")] bool NeedsQrScan,
    [property: JsonPropertyName("summary")] string Summary)
{
    public static RecommendationsDto From(AccountDiagnosis d) =>
        new(d.Recommendations.ShouldClearSession, d.Recommendations.ShouldReconnect, d.Recommendations.NeedsQrScan, d.Recommendations.Summary);
}

public sealed record FindingDto(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("explanation")] string Explanation,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("actionLabel")] string ActionLabel,
    [property: JsonPropertyName("recommendation")] string Recommendation,
    [property: JsonPropertyName("accountId")] string? AccountId,
    [property: JsonPropertyName("accountName")] string? AccountName,
    [property: JsonPropertyName("generation")] int? Generation,
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("sizeMB")] double? SizeMb,
    [property: JsonPropertyName("blockedBecause")] string? BlockedBecause)
{
    public static FindingDto From(SessionFinding f) => new(f.Kind.ToString(), f.Severity.ToString(), f.Title, f.Explanation, f.Detail,
        FindingCatalog.ActionName(f.Action), FindingCatalog.ActionLabel(f.Action), FindingCatalog.ActionRecommendation(f.Action),
        f.AccountId, f.AccountName, f.Generation, f.Path, f.Bytes is { } b ? Math.Round(b / (double)SessionStorageOptions.BytesPerMegabyte, 2) : null, f.BlockedBecause);
}

public sealed record FleetDiagnosticsDto(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("accounts")] int Accounts,
    [property: JsonPropertyName("critical")] int Critical,
    [property: JsonPropertyName("warnings")] int Warnings,
    [property: JsonPropertyName("info")] int Info,
    [property: JsonPropertyName("sessionsMB")] double SessionsMb,
    [property: JsonPropertyName("findings")] IReadOnlyList<FindingDto> Findings,
    [property: JsonPropertyName("loginChecks")] IReadOnlyList<LoginCheckDto> LoginChecks)
{
    public static FleetDiagnosticsDto From(FleetDiagnosis fleet)
    {
        var findings = fleet.Findings;
        return new(fleet.At, fleet.Accounts.Count, findings.Count(f => f.Severity == FindingSeverity.Critical), findings.Count(f => f.Severity == FindingSeverity.Warning),
            findings.Count(f => f.Severity == FindingSeverity.Info), Math.Round(fleet.SessionBytes / (double)SessionStorageOptions.BytesPerMegabyte, 2),
            findings.Select(FindingDto.From).ToList(),
            fleet.Accounts.Select(a => new LoginCheckDto(a.Account.Id, a.Account.Name, a.Login.Name, a.Login.Evidence)).ToList());
    }
}

/// <summary>One account's login check in the fleet's diagnostics: proven-good, proven-broken or unknown, with the evidence.</summary>
public sealed record LoginCheckDto(
    [property: JsonPropertyName("accountId")] string AccountId,
    [property: JsonPropertyName("accountName")] string AccountName,
    [property: JsonPropertyName("loginCheck")] string LoginCheck,
    [property: JsonPropertyName("evidence")] IReadOnlyList<string> Evidence);

public sealed record ActionResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] string? Status = null,
    [property: JsonPropertyName("freedMB")] double FreedMb = 0);

public sealed record CleanupRequest(
    [property: JsonPropertyName("dryRun")] bool? DryRun);

public sealed record CleanupItemDto(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("sizeMB")] double SizeMb,
    [property: JsonPropertyName("files")] int Files,
    [property: JsonPropertyName("accountId")] string? AccountId,
    [property: JsonPropertyName("freesAtOnce")] bool FreesAtOnce,
    [property: JsonPropertyName("keptBecause")] string? KeptBecause,
    [property: JsonPropertyName("outcome")] string? Outcome,
    [property: JsonPropertyName("message")] string? Message);

public sealed record CleanupReportDto(
    [property: JsonPropertyName("runId")] long RunId,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset FinishedAt,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("wouldFreeMB")] double WouldFreeMb,
    [property: JsonPropertyName("wouldQuarantineMB")] double WouldQuarantineMb,
    [property: JsonPropertyName("freedMB")] double FreedMb,
    [property: JsonPropertyName("quarantinedMB")] double QuarantinedMb,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("skipped")] int Skipped,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("items")] IReadOnlyList<CleanupItemDto> Items)
{
    public static CleanupReportDto From(CleanupReport report, TimeSpan retention)
    {
        var results = report.Results.ToDictionary(r => r.Item.Key);
        return new CleanupReportDto(report.RunId, report.DryRun, report.StartedAt, report.FinishedAt, report.Summary(retention),
            Mb(report.Plan.BytesFreedAtOnce), Mb(report.Plan.BytesQuarantined), Mb(report.BytesFreed), Mb(report.BytesQuarantined),
            report.Done, report.Skipped, report.Failed,
            report.Plan.Items.Select(i => new CleanupItemDto(i.Kind.ToString(), i.Path, i.Description, Mb(i.Bytes), i.Files, i.AccountId, i.FreesAtOnce, i.KeptBecause,
                results.TryGetValue(i.Key, out var r) ? r.Outcome.ToString() : null, r?.Message)).ToList());
    }

    internal static double Mb(long bytes) => Math.Round(bytes / (double)SessionStorageOptions.BytesPerMegabyte, 3);
}

public sealed record CleanupStatusDto(
    [property: JsonPropertyName("running")] bool Running,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("runId")] long RunId,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("processed")] int Processed,
    [property: JsonPropertyName("percent")] int Percent,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("lastReport")] CleanupReportDto? LastReport)
{
    public static CleanupStatusDto From(SessionCleanupJob job, TimeSpan retention)
    {
        var p = job.Progress;
        return new(p.IsRunning, p.Phase.ToString(), p.RunId, p.DryRun, p.Total, p.Processed, p.Percent, p.Error,
            job.LastReport is { } report ? CleanupReportDto.From(report, retention) : null);
    }
}

public sealed record BackupDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("generation")] int Generation,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("holdsLogin")] bool HoldsLogin);

public sealed record QuarantineEntryDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("accountId")] string? AccountId,
    [property: JsonPropertyName("generation")] int? Generation,
    [property: JsonPropertyName("originalPaths")] IReadOnlyList<string> OriginalPaths,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("quarantinedAt")] DateTimeOffset? QuarantinedAt,
    [property: JsonPropertyName("purgeAfter")] DateTimeOffset PurgeAfter,
    [property: JsonPropertyName("sizeMB")] double SizeMb,
    [property: JsonPropertyName("complete")] bool Complete);
