using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Diagnostics;

/// <summary>
/// The three answers of note 001's session-info: clear the session, reconnect, or scan a QR code. Clearing is only ever
/// recommended for a login proven broken; <paramref name="Unchecked"/> says why the login's state is not known, if it is not.
/// </summary>
public sealed record SessionRecommendations(bool ShouldClearSession, bool ShouldReconnect, bool NeedsQrScan, string? Unchecked = null)
{
    public string Summary =>
        ShouldClearSession ? "Clear the session and relink with a fresh QR code."
        : ShouldReconnect ? "The session is valid: reconnect, no QR code needed."
        : NeedsQrScan ? "There is no usable session: link the phone with a QR code."
        : Unchecked is not null ? "The login could not be checked; nothing was changed. Check again later, or look at the folder."
        : "Nothing to do.";
}

/// <summary>An older generation of the account's session, still on disk.</summary>
public sealed record OldGeneration(int Generation, FolderStats Stats);

/// <summary>
/// One account: its session folder's inspection, every finding (worst first), the recommendations, and what is known of
/// its login — the folder's own check, with what the account's state adds (a linked account with no login in its folder,
/// an engine that refused the session).
/// </summary>
public sealed record AccountDiagnosis(AccountState Account, SessionInspection Session, IReadOnlyList<OldGeneration> OldGenerations,
    IReadOnlyList<SessionFinding> Findings, SessionRecommendations Recommendations, LoginCheck Login)
{
    public bool InUse => SessionTransitions.IsActive(Account.Status);

    public FindingSeverity? Worst => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);
}

/// <summary>
/// Turns an account's state and its session folder's inspection into findings a person can act on, each with its one
/// action, and into the recommendations. Pure.
/// </summary>
public static class SessionAdvisor
{
    public static AccountDiagnosis Diagnose(AccountState account, SessionInspection session, IReadOnlyList<OldGeneration> oldGenerations, DateTimeOffset now)
    {
        var inUse = SessionTransitions.IsActive(account.Status);
        var login = session.Login;
        var findings = new List<SessionFinding>();
        foreach (var finding in session.Findings)
        {
            findings.Add(For(account, finding) with
            {
                BlockedBecause = inUse && finding.Action is RepairAction.TrimCaches or RepairAction.RemoveStaleLock or RepairAction.RemoveTempFiles
                    ? $"The session is in use (the account is {account.Status}); stop the account first."
                    : null,
            });
        }

        var bannedNow = account.Status == AccountStatus.Banned && (account.BannedUntil is null || account.BannedUntil > now);
        var noLogin = session.Verdict is SessionVerdict.Missing or SessionVerdict.NoLogin;
        switch (account.Status)
        {
            case AccountStatus.New:
                findings.Add(For(account, SessionFinding.Of(FindingKind.NotLinked, FindingEvidence.Say("NotLinked"))));
                break;
            case AccountStatus.LoggedOut:
                findings.Add(For(account, SessionFinding.Of(FindingKind.LoggedOut, Raw(account) ?? FindingEvidence.Say("LoggedOut"))));
                break;
            case AccountStatus.QrExpired:
                findings.Add(For(account, SessionFinding.Of(FindingKind.LinkExpired, account.Note ?? FindingEvidence.Say("LinkExpired"))));
                break;
            case AccountStatus.SessionCorrupt when session.Verdict == SessionVerdict.Corrupt:
                break; // The folder's own findings say what is wrong, each with Clear session.
            case AccountStatus.SessionCorrupt when session.Verdict == SessionVerdict.Missing:
                findings.Add(For(account, SessionFinding.Of(FindingKind.SessionMissing, account.Note ?? FindingEvidence.Say("SessionGone"))));
                break;
            case AccountStatus.SessionCorrupt when session.Verdict == SessionVerdict.NoLogin:
                login = LoginCheck.Broken([$"The engine found no usable login in generation {account.Generation} ({Raw(account)}).", .. session.Login.Evidence]);
                findings.Add(For(account, SessionFinding.Of(FindingKind.LoginMissing, FindingEvidence.Say("EngineFoundNoLogin", account.Generation, Raw(account)))));
                break;
            case AccountStatus.SessionCorrupt when session.Login.Result == LoginCheckResult.ProvenGood:
                // The engine's word against the login's own proofs: the login is not thrown away on the report alone.
                login = LoginCheck.Unknown([$"The engine reported the session as corrupt ({Raw(account) ?? "no detail"}), but the login's own proofs hold:", .. session.Login.Evidence]);
                findings.Add(For(account, SessionFinding.Of(FindingKind.EngineReportedCorrupt,
                    FindingEvidence.Say("Corrupt.ProofsHold", Raw(account) ?? FindingEvidence.Say("EngineReportedCorrupt"), string.Join(" ", session.Login.Evidence)),
                    RepairAction.Reconnect, FindingSeverity.Warning)));
                break;
            case AccountStatus.SessionCorrupt when session.Verdict == SessionVerdict.Unchecked:
                // The folder could not be read (busy, being written): not even the engine's report makes it broken now.
                login = LoginCheck.Unknown([$"The engine reported the session as corrupt ({Raw(account) ?? "no detail"}), but the folder could not be checked:", .. session.Login.Evidence]);
                findings.Add(For(account, SessionFinding.Of(FindingKind.EngineReportedCorrupt,
                    FindingEvidence.Say("Corrupt.Unchecked", Raw(account) ?? FindingEvidence.Say("EngineReportedCorrupt"), string.Join(" ", session.Login.Evidence)),
                    RepairAction.None, FindingSeverity.Warning)));
                break;
            case AccountStatus.SessionCorrupt:
                // The engine that uses the login refused it: that is the engine's proof, whatever the folder could show.
                login = LoginCheck.Broken([$"The engine refused the session: {Raw(account) ?? "it reported it as corrupt"}.", .. session.Login.Evidence]);
                findings.Add(For(account, SessionFinding.Of(FindingKind.EngineReportedCorrupt, Raw(account) ?? FindingEvidence.Say("EngineReportedCorrupt"))));
                break;
            default:
                if (account.SessionLinked && noLogin)
                {
                    login = LoginCheck.Broken([$"The account is linked, but generation {account.Generation} holds no login.", .. session.Login.Evidence]);
                    findings.Add(For(account, SessionFinding.Of(FindingKind.LoginMissing, session.Verdict == SessionVerdict.Missing
                        ? FindingEvidence.Say("Generation.Missing", account.Generation)
                        : FindingEvidence.Say("Generation.NoLogin", account.Generation, string.Join(" ", session.Login.Evidence)))));
                }
                else if (account.SessionLinked && session.IsValid && !inUse && !bannedNow
                         && account.Status is AccountStatus.Disconnected or AccountStatus.Stopped or AccountStatus.GaveUp or AccountStatus.Replaced or AccountStatus.Banned)
                {
                    var description = AccountStatusDescription.Describe(account, now);
                    findings.Add(For(account, SessionFinding.Of(FindingKind.NotConnected, NotConnectedEvidence(account.Status, description))));
                }

                break;
        }

        if (session.Verdict == SessionVerdict.Unchecked && !findings.Any(f => f.Kind is FindingKind.LoginUnchecked or FindingKind.DatabaseUnreadable or FindingKind.UnrecognizedContents))
        {
            findings.Add(For(account, SessionFinding.Of(FindingKind.LoginUnchecked, string.Join(" ", session.Login.Evidence))));
        }

        foreach (var old in oldGenerations)
        {
            findings.Add(For(account, SessionFinding.Of(FindingKind.SupersededGeneration,
                FindingEvidence.Say("Superseded", old.Generation, SessionInspector.FormatSize(old.Stats.Bytes), SessionInspector.CountFiles(old.Stats.Files), account.Generation))) with
            {
                Generation = old.Generation,
                Path = $"{account.Id}/{old.Generation}",
                Bytes = old.Stats.Bytes,
            });
        }

        // The rule: an action that loses the login is offered only for a login proven broken. Every path above keeps it;
        // this keeps it for any finding added later that would not.
        if (!login.IsProvenBroken)
        {
            findings = findings.Select(f => f.Action == RepairAction.ClearSession ? f with { Action = RepairAction.None } : f).ToList();
        }

        var sorted = SessionFinding.Sort(findings);
        var clear = login.IsProvenBroken && sorted.Any(f => f.Action == RepairAction.ClearSession);
        var reconnect = !clear && account.SessionLinked && session.IsValid && !account.IsConnected && !inUse && !bannedNow;
        var needsQr = clear || (!account.SessionLinked && !account.IsConnected) || (account.SessionLinked && noLogin);
        var notChecked = login.Result == LoginCheckResult.Unknown && !session.LoginPresent ? string.Join(" ", login.Evidence) : null;
        return new AccountDiagnosis(account, session, oldGenerations, sorted, new SessionRecommendations(clear, reconnect, needsQr, notChecked), login);
    }

    private static SessionFinding For(AccountState account, SessionFinding finding) =>
        finding with { AccountId = account.Id, AccountName = account.Name, Path = finding.Path ?? (account.Generation >= 1 ? $"{account.Id}/{account.Generation}" : account.Id) };

    private static string? Raw(AccountState account) =>
        account.RawCode is null && account.RawText is null ? null : $"{account.RawCode}: {account.RawText}".Trim(' ', ':');

    /// <summary>"The account is disconnected: …", as a phrase the console says again from the account in the person's language.</summary>
    private static string NotConnectedEvidence(AccountStatus status, AccountStatusDescription description)
    {
        var label = description.Label.ToLowerInvariant();
        var what = description.WhatHappened.TrimEnd(' ', ':');
        return what.Length == 0 ? FindingEvidence.Say("Account.NotConnected.Bare", label)
            : status == AccountStatus.Replaced ? FindingEvidence.Say("Account.NotConnected.Replaced", label, what)
            : FindingEvidence.Say("Account.NotConnected", label, what);
    }
}
