using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Accounts;

/// <summary>What a state means for a person: a short label, what happened, and what happens next or what to do.</summary>
public sealed record AccountStatusDescription(string Label, string WhatHappened, string NextStep, bool NeedsPerson)
{
    public static AccountStatusDescription Describe(AccountState s, DateTimeOffset now)
    {
        var reason = s.Reason is { } r ? ReasonCatalog.Get(r) : null;
        return s.Status switch
        {
            AccountStatus.New => new("Not linked", "This account has never been linked to a phone.",
                "Link it: show a QR code, or use a pairing code.", true),
            AccountStatus.Starting => new("Connecting", s.Note ?? "Opening the session.", "Wait a moment.", false),
            AccountStatus.AwaitingQrScan => new("Waiting for QR scan",
                s.Qr is { } qr ? $"QR code {qr.Index} of {qr.Total} is on screen." : "A QR code is being prepared.",
                "On the phone: WhatsApp → Linked devices → Link a device, then scan the code.", true),
            AccountStatus.AwaitingPairingCode => new("Waiting for pairing code",
                s.PairingCode is { } code ? $"Pairing code {code.Display} is on screen." : "A pairing code is being prepared.",
                "On the phone: WhatsApp → Linked devices → Link with phone number instead, then type the code.", true),
            AccountStatus.Connected => new("Connected", s.PushName is { } name ? $"Linked as {name}." : "The session is live.", "Nothing to do.", false),
            AccountStatus.Reconnecting => new("Reconnecting", Why(reason, s),
                s.NextAttemptAt is { } at
                    ? $"Automatic attempt {s.ReconnectAttempt} in {Countdown(at - now)}, with the saved session (no QR needed)."
                    : "An automatic attempt is due.", false),
            AccountStatus.Disconnected => new("Disconnected", Why(reason, s),
                s.AutoReconnectPaused && s.RawCode == "start-timeout" ? "Needs you: automatic reconnect is paused because the session kept hanging at start. Check the engine and the network, then click Reconnect."
                : s.AutoReconnectPaused ? "Needs you: automatic reconnect is paused by the loop breaker. Check the phone, then click Reconnect."
                : reason is { AutoReconnect: false } ? "Needs you: " + reason.OperatorAction
                : s.Note ?? "Click Reconnect.", true),
            AccountStatus.LoggedOut => new("Logged out", Why(reason, s), "Needs you: click Reconnect to relink with a fresh QR code.", true),
            AccountStatus.Replaced => new("Replaced", Why(reason, s), "Needs you: stop the other instance or device, then click Reconnect.", true),
            AccountStatus.Banned => new("Banned", Why(reason, s),
                s.BannedUntil is { } until && until > now
                    ? $"Needs you: wait {Countdown(until - now)} until the ban ends, then reconnect; or use another number."
                    : "Needs you: the ban may have ended; click Reconnect, or use another number.", true),
            AccountStatus.SessionCorrupt => new("Session corrupt", Why(reason, s), "Needs you: clear the session and relink (Reconnect shows a fresh QR code).", true),
            AccountStatus.QrExpired => new("QR expired", s.Note ?? "The QR code or pairing code ran out before the phone linked.",
                "Needs you: ask for a new QR code or pairing code when the phone is at hand.", true),
            AccountStatus.GaveUp => new("Gave up", s.Note ?? "Automatic reconnect stopped after its budget.", "Needs you: check the phone and the network, then click Reconnect.", true),
            AccountStatus.Stopped => new("Stopped", "Stopped by a person; the saved session is kept.", "Click Reconnect to start it again.", true),
            _ => new(s.Status.ToString(), s.Note ?? "", "", false),
        };
    }

    private static string Why(ReasonInfo? reason, AccountState s) =>
        reason is null ? s.Note ?? "" : $"{reason.Title}: {reason.Explanation}";

    public static string Countdown(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            return "now";
        }

        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
            : $"{Math.Ceiling(span.TotalSeconds):0} s";
    }

    public static string Ago(TimeSpan span) =>
        span.TotalSeconds < 5 ? "just now"
        : span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds} s ago"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min ago"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours} h ago"
        : $"{(int)span.TotalDays} d ago";
}
