using System.Globalization;
using Microsoft.Extensions.Localization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Web.Resources;

namespace WaDashboard.Web.Localization;

/// <summary>
/// What the console says about the domain, in the person's language. Core keeps its English texts (the REST API and the
/// logs speak them); the console looks up each by its stable code instead: the status enum's name, the disconnect
/// reason, the finding kind, the repair action. The state-to-sentence choices are those of
/// <see cref="AccountStatusDescription"/>.
/// </summary>
public sealed class ConsoleText(IStringLocalizer<Ui> ui, IStringLocalizer<Reasons> reasons, IStringLocalizer<Findings> findings, IStringLocalizer<Evidence> evidence, IStringLocalizer<Notes> notes)
{
    public IStringLocalizer<Ui> Ui => ui;

    /// <summary>
    /// A sentence Core wrote with <paramref name="book"/> (a timeline note, a command's answer, an audit detail), in the
    /// person's language; not translated when no template of the book reads it (then it is shown set apart, in English).
    /// </summary>
    public Said Sentence(PhraseBook book, string? english) => notes.Say(book, english);

    /// <summary>Core's sentence as a part of a console sentence: translated, or its English isolated.</summary>
    public string Quoted(PhraseBook book, string english) => Inline(Sentence(book, english));

    /// <summary>The short name of a state, for badges, filters and tables.</summary>
    public string Status(AccountStatus status) => reasons[$"Status.{status}"];

    public string ReasonTitle(DisconnectReason reason) => reasons[$"Reason.{reason}.Title"];

    public string ReasonExplanation(DisconnectReason reason) => reasons[$"Reason.{reason}.Explanation"];

    public string ReasonAction(DisconnectReason reason) => reasons[$"Reason.{reason}.Action"];

    /// <summary>The localized <see cref="AccountStatusDescription"/>: label, what happened, what next, whether a person is needed.</summary>
    public AccountStatusDescription Describe(AccountState s, DateTimeOffset now)
    {
        var reason = s.Reason is { } r ? ReasonCatalog.Get(r) : null;
        string S(string key) => reasons[$"State.{key}"];
        string F(string key, params object[] args) => reasons[$"State.{key}", args];
        var needsYou = (string next) => F("NeedsYou", next);
        var why = reason is null ? S($"{s.Status}.What") : F("Why", ReasonTitle(reason.Reason), ReasonExplanation(reason.Reason));
        return s.Status switch
        {
            AccountStatus.New => new(Status(s.Status), S("New.What"), S("New.Next"), true),
            AccountStatus.Starting => new(Status(s.Status), S("Starting.What"), S("Starting.Next"), false),
            AccountStatus.AwaitingQrScan => new(Status(s.Status),
                s.Qr is { } qr ? F("AwaitingQrScan.What", qr.Index, qr.Total) : S("AwaitingQrScan.Preparing"), S("AwaitingQrScan.Next"), true),
            AccountStatus.AwaitingPairingCode => new(Status(s.Status),
                s.PairingCode is { } code ? F("AwaitingPairingCode.What", Bidi.Isolate(code.Display)) : S("AwaitingPairingCode.Preparing"),
                S("AwaitingPairingCode.Next"), true),
            AccountStatus.Connected => new(Status(s.Status), s.PushName is { } name ? F("Connected.Named", Bidi.Isolate(name)) : S("Connected.What"),
                S("Connected.Next"), false),
            AccountStatus.Reconnecting => new(Status(s.Status), why,
                s.NextAttemptAt is { } at ? F("Reconnecting.Next", s.ReconnectAttempt, Countdown(at - now)) : S("Reconnecting.Due"), false),
            AccountStatus.Disconnected => new(Status(s.Status), why,
                s.AutoReconnectPaused && s.RawCode == "start-timeout" ? needsYou(S("Disconnected.PausedHanging"))
                : s.AutoReconnectPaused ? needsYou(S("Disconnected.Paused"))
                : reason is { AutoReconnect: false } ? needsYou(ReasonAction(reason.Reason))
                : S("Disconnected.Next"), true),
            AccountStatus.LoggedOut => new(Status(s.Status), why, needsYou(S("LoggedOut.Next")), true),
            AccountStatus.Replaced => new(Status(s.Status), why, needsYou(S("Replaced.Next")), true),
            AccountStatus.Banned => new(Status(s.Status), why,
                s.BannedUntil is { } until && until > now ? needsYou(F("Banned.Wait", Countdown(until - now))) : needsYou(S("Banned.Ended")), true),
            AccountStatus.SessionCorrupt => new(Status(s.Status), why, needsYou(S("SessionCorrupt.Next")), true),
            AccountStatus.QrExpired => new(Status(s.Status), S("QrExpired.What"), needsYou(S("QrExpired.Next")), true),
            AccountStatus.GaveUp => new(Status(s.Status), S("GaveUp.What"), needsYou(S("GaveUp.Next")), true),
            AccountStatus.Stopped => new(Status(s.Status), S("Stopped.What"), S("Stopped.Next"), true),
            _ => new(Status(s.Status), "", "", false),
        };
    }

    /// <summary>The localized <see cref="Core.Messaging.OutboxMessageDescription"/>: label, detail, whether a person decides.</summary>
    public Core.Messaging.OutboxMessageDescription DescribeMessage(Core.Messaging.OutboxMessage m, AccountState? account, DateTimeOffset now)
    {
        string Label(string key) => ui[$"Message.Label.{key}"];
        string Sent() => m.SentAt is { } at ? Moment(at) : "";
        // The dispatcher's own sentences are said in the person's language; an engine's own words stay as they came, set apart.
        string Error(string fallback) => m.Error is { } error ? Quoted(Core.Messaging.OutboxNotes.Book, error) : ui[fallback];
        return m.Status switch
        {
            Core.Messaging.OutboxStatus.Pending when account is null => new(Label("Waiting"), ui["Message.AccountGone"], false),
            Core.Messaging.OutboxStatus.Pending when m.NotBefore is { } at && at > now =>
                new(Label("Scheduled"), ui["Message.Scheduled", Moment(at), Countdown(at - now)], false),
            Core.Messaging.OutboxStatus.Pending when m.NextAttemptAt is { } retry && retry > now =>
                new(Label("Retrying"), ui["Message.Retrying", m.Attempts + 1, Countdown(retry - now), Error("Message.Refused")], false),
            Core.Messaging.OutboxStatus.Pending when !account.HasLiveConnection =>
                new(Label("Waiting"), ui["Message.Held", Describe(account, now).Label.ToLower(CultureInfo.CurrentCulture)], false),
            Core.Messaging.OutboxStatus.Pending => new(Label("Queued"), ui["Message.Queued"], false),
            Core.Messaging.OutboxStatus.Sending => new(Label("Sending"), ui["Message.Sending"], false),
            Core.Messaging.OutboxStatus.Sent => new(Label("Sent"), m.EngineMessageId is { } id
                ? ui["Message.SentAs", Sent(), Bidi.Isolate(id)]
                : m.Error is not null ? Error("Message.Refused") : ui["Message.Sent", Sent()], false),
            Core.Messaging.OutboxStatus.Delivered => new(Label("Delivered"), ui["Message.Delivered", Sent(), Moment(m.UpdatedAt)], false),
            Core.Messaging.OutboxStatus.Read => new(Label("Read"), ui["Message.Read", Sent(), Moment(m.UpdatedAt)], false),
            Core.Messaging.OutboxStatus.Failed => new(Label("Failed"), ui["Message.Failed", Error("Message.FailedPlain")], true),
            Core.Messaging.OutboxStatus.Unknown => new(Label("Unknown"), m.Error is null ? ui["Message.Unknown"] : Error("Message.Unknown"), true),
            Core.Messaging.OutboxStatus.Cancelled => new(Label("Cancelled"), Error("Message.Cancelled"), false),
            _ => new(m.Status.ToString(), m.Error ?? "", false),
        };
    }

    /// <summary>How long until something: "now", "42 s", "3 min 5 s", "2 h 10 min".</summary>
    public string Countdown(TimeSpan span) =>
        span <= TimeSpan.Zero ? ui["Time.Now"]
        : span.TotalHours >= 1 ? ui["Time.Hours", (int)span.TotalHours, span.Minutes]
        : span.TotalMinutes >= 1 ? ui["Time.Minutes", (int)span.TotalMinutes, span.Seconds]
        : ui["Time.Seconds", (int)Math.Ceiling(span.TotalSeconds)];

    /// <summary>How long ago: "just now", "12 s ago", "3 h ago".</summary>
    public string Ago(TimeSpan span) =>
        span.TotalSeconds < 5 ? ui["Ago.JustNow"]
        : span.TotalMinutes < 1 ? ui["Ago.Seconds", (int)span.TotalSeconds]
        : span.TotalHours < 1 ? ui["Ago.Minutes", (int)span.TotalMinutes]
        : span.TotalDays < 1 ? ui["Ago.Hours", (int)span.TotalHours]
        : ui["Ago.Days", (int)span.TotalDays];

    /// <summary>A moment in the person's language and time zone of the server, to the second.</summary>
    public static string Moment(DateTimeOffset at) => at.ToLocalTime().ToString("G", CultureInfo.CurrentCulture);

    /// <summary>A time of day in the person's language.</summary>
    public static string TimeOfDay(DateTimeOffset at) => at.ToLocalTime().ToString("T", CultureInfo.CurrentCulture);

    /// <summary>A size in the person's language: "1.5 MB", "1,5 MB".</summary>
    public string Size(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return ui[$"Size.{units[unit]}", unit == 0 ? value.ToString("0", CultureInfo.CurrentCulture) : value.ToString("0.#", CultureInfo.CurrentCulture)];
    }

    public string FindingTitle(FindingKind kind) => findings[$"Finding.{kind}.Title"];

    public string FindingExplanation(FindingKind kind) => findings[$"Finding.{kind}.Explanation"];

    public string Severity(FindingSeverity severity) => findings[$"Severity.{severity}"];

    public string ActionLabel(RepairAction action) => findings[$"Action.{action}.Label"];

    public string ActionRecommendation(RepairAction action) => findings[$"Action.{action}.Recommendation"];

    /// <summary>The short verdict on a session folder (the account page's card).</summary>
    public string VerdictShort(SessionVerdict verdict) => findings[$"Verdict.{verdict}.Short"];

    /// <summary>The verdict in a sentence (the Diagnostics page).</summary>
    public string VerdictLong(SessionVerdict verdict) => findings[$"Verdict.{verdict}.Long"];

    /// <summary>Why a finding's action waits (Core says it in English for the API): the session is in use.</summary>
    public string Blocked() => findings["Blocked.InUse"];

    /// <summary>The one recommendation of a diagnosis, chosen as <see cref="Core.Diagnostics.SessionRecommendations.Summary"/> does.</summary>
    public string Recommendation(Core.Diagnostics.SessionRecommendations r) => findings[
        r.ShouldClearSession ? "Recommendation.ClearSession"
        : r.ShouldReconnect ? "Recommendation.Reconnect"
        : r.NeedsQrScan ? "Recommendation.ScanQr"
        : r.Unchecked is not null ? "Recommendation.Unchecked"
        : "Recommendation.None"];

    // The alerts Core raises, by the start of their English text (Core keeps it for the alert webhook and the logs).
    private static readonly (string Start, string Key)[] AlertKinds =
    [
        ("Account banned.", "Alert.Banned"),
        ("Account logged out.", "Alert.LoggedOut"),
        ("Session replaced by another device.", "Alert.Replaced"),
        ("Session corrupt:", "Alert.SessionCorrupt"),
        ("Zombie session:", "Alert.Zombie"),
        ("Loop breaker:", "Alert.LoopBreaker"),
        ("Gave up", "Alert.GaveUp"),
        ("The session did not start within", "Alert.StartTimeouts"),
        ("Moved away from", "Alert.MoveLeftover"),
        ("The database takes writes again.", "Alert.DatabaseBack"),
        ("The database cannot take writes", "Alert.DatabaseDown"),
    ];

    /// <summary>An alert in the person's language; one this console does not know shows Core's text in isolation.</summary>
    public string Alert(Core.Health.Alert alert) =>
        AlertKinds.FirstOrDefault(k => alert.Message.StartsWith(k.Start, StringComparison.Ordinal)).Key is { } key
            ? ui[key]
            : Bidi.Isolate(alert.Message);

    /// <summary>The answer to a storage action: done (with the space it freed), or refused with Core's reason in the person's language.</summary>
    public string ActionOutcome(Core.Diagnostics.ActionOutcome outcome) =>
        !outcome.Done ? ui["Outcome.Refused", Inline(Answer(outcome.Message))]
        : outcome.BytesFreed > 0 ? ui["Outcome.DoneFreed", Size(outcome.BytesFreed)]
        : ui["Outcome.Done"];

    /// <summary>
    /// A sentence Core wrote with one of <paramref name="books"/>, in the person's language; text no book knows (the
    /// engine's or a driver's own words) comes back untranslated, to be shown set apart (<see cref="Said.Translated"/>).
    /// </summary>
    public Said Say(string? english, params PhraseBook[] books)
    {
        foreach (var book in books)
        {
            if (evidence.Say(book, english) is { Translated: true } said)
            {
                return said;
            }
        }

        return new Said(english ?? "", string.IsNullOrEmpty(english));
    }

    /// <summary>The evidence behind a storage finding (<see cref="SessionFinding.Detail"/>).</summary>
    public Said FindingDetail(string? detail) => Say(detail, FindingEvidence.Book);

    /// <summary>
    /// A finding's evidence, where the "not connected" one is said again from the account itself (its state's name and
    /// what happened, in the person's language) rather than from Core's English description inside it.
    /// </summary>
    public Said FindingDetail(string? detail, AccountState? account, DateTimeOffset now)
    {
        if (account is null || !FindingEvidence.Book.TryRead(detail, out var phrase) || !phrase.Code.StartsWith("Account.NotConnected", StringComparison.Ordinal))
        {
            return FindingDetail(detail);
        }

        var described = Describe(account, now);
        var label = described.Label.ToLower(CultureInfo.CurrentCulture);
        var what = described.WhatHappened.TrimEnd(' ', ':');
        return new Said(what.Length == 0 ? evidence["Account.NotConnected.Bare", label]
            : evidence[phrase.Code == "Account.NotConnected.Bare" ? "Account.NotConnected" : phrase.Code, label, what], true);
    }

    /// <summary>A cleanup item's description.</summary>
    public Said CleanupDescription(string? description) => Say(description, CleanupText.Book);

    /// <summary>Why a cleanup leaves an item alone; "in use" names the account's state in the person's language.</summary>
    public Said KeptBecause(string? kept) =>
        CleanupText.Book.TryRead(kept, out var phrase) && phrase.Code == "Kept.InUse" && Enum.TryParse<AccountStatus>(phrase.Args[0], out var status)
            ? new Said(evidence["Kept.InUse", Status(status)], true)
            : Say(kept, CleanupText.Book);

    /// <summary>What a storage action, a repair or a cleanup answered: done or refused, and why.</summary>
    public Said Answer(string? message) => Say(message, CleanupText.Book, RepairAnswers.Book, Core.Diagnostics.DiagnosisAnswers.Book);

    /// <summary>A gateway server's last error as the dashboard worded it; the gateway's and the HTTP client's words stay as they came.</summary>
    public Said GatewayError(string? error) => Say(error, Core.Engines.Waha.GatewayText.Book);

    /// <summary>The note on a session found on a gateway server.</summary>
    public Said ServerFinding(string? finding) => Say(finding, Core.Diagnostics.DiagnosisAnswers.Book);

    /// <summary>Why the database cannot take writes; the driver's own error inside stays as it came.</summary>
    public Said DatabaseProblem(string? problem) => Say(problem, Core.Persistence.DatabaseText.Book);

    /// <summary>A said sentence inside another one: translated text as it is, English isolated as data.</summary>
    public static string Inline(Said said) => said.Translated ? said.Text : Bidi.Isolate(said.Text);

    /// <summary>
    /// The answer to a command by its outcome; a refusal adds the supervisor's reason, in the person's language when its
    /// book knows it (a gateway's own refusal stays in its English, in isolation).
    /// </summary>
    public string Outcome(CommandResult result) => result.Outcome switch
    {
        CommandOutcome.Refused => ui["Outcome.Refused", Quoted(CommandReplies.Book, result.Message)],
        _ => ui[$"Outcome.{result.Outcome}"],
    };
}

/// <summary>Left-to-right data (phone numbers, codes, ids, paths) inside a sentence that may run right to left.</summary>
public static class Bidi
{
    /// <summary>
    /// Wraps the text in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, the text form of <c>&lt;bdi&gt;</c>, whenever its
    /// direction could disturb the sentence: always in a right-to-left language, and in a left-to-right one when the text
    /// holds right-to-left letters (a Hebrew account name in an English sentence). Left-to-right data in a left-to-right
    /// sentence is left as it is.
    /// </summary>
    public static string Isolate(string text) =>
        CultureInfo.CurrentUICulture.TextInfo.IsRightToLeft || text.Any(IsRightToLeftLetter) ? "\u2068" + text + "\u2069" : text;

    /// <summary>Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms.</summary>
    private static bool IsRightToLeftLetter(char c) => c is >= '\u0590' and <= '\u08FF' or >= '\uFB1D' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF';
}
