using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Telemetry;

/// <summary>What one change of an account means for the fleet's metrics. Pure: derived from the states before and after.</summary>
public sealed record TransitionSignals(
    DisconnectReason? Disconnect,
    string? RawCode,
    bool ReconnectAttemptStarted,
    string? ReconnectOutcome,
    bool LoopBreakerTripped,
    string? CodeShown,
    bool LinkCompleted,
    bool Reconnected)
{
    public static readonly TransitionSignals None = new(null, null, false, null, false, null, false, false);

    public bool IsEmpty => this == None;

    /// <param name="previous">The state before.</param>
    /// <param name="next">The state after.</param>
    /// <param name="observedReason">The disconnect the change observed (normalized), if it observed one.</param>
    /// <param name="observedRawCode">The engine's raw code beside it.</param>
    public static TransitionSignals Of(AccountState previous, AccountState next, DisconnectReason? observedReason, string? observedRawCode)
    {
        // An automatic attempt: the wait in Reconnecting ends with a start.
        var attemptStarted = previous.Status == AccountStatus.Reconnecting && next.Status == AccountStatus.Starting;

        // An attempt ends when a start made by the reconnect policy (attempt > 0) leaves Starting.
        string? outcome = null;
        if (previous.Status == AccountStatus.Starting && next.Status != AccountStatus.Starting && previous.ReconnectAttempt > 0)
        {
            outcome = next.Status switch
            {
                AccountStatus.Connected => "connected",
                AccountStatus.Disconnected or AccountStatus.Reconnecting => "failed",
                AccountStatus.GaveUp => "gave_up",
                AccountStatus.Stopped => "stopped",
                _ => "needs_person",
            };
        }

        string? codeShown = null;
        if (next.Qr is { } qr && (previous.Qr is null || previous.Qr.Value != qr.Value))
        {
            codeShown = "qr";
        }
        else if (next.PairingCode is { } code && (previous.PairingCode is null || previous.PairingCode.Code != code.Code))
        {
            codeShown = "pairing_code";
        }

        return new TransitionSignals(
            observedReason,
            observedReason is null ? null : BoundRawCode(observedRawCode),
            attemptStarted,
            outcome,
            !previous.AutoReconnectPaused && next.AutoReconnectPaused,
            codeShown,
            !previous.SessionLinked && next.SessionLinked && next.Generation == previous.Generation,
            previous.Status != AccountStatus.Connected && next.Status == AccountStatus.Connected);
    }

    /// <summary>
    /// Raw codes are label values: engines' codes are short tokens ("408", "LOGOUT", "start-timeout"); anything else (a
    /// sentence, a number someone typed) becomes "other", so the series stay few and no personal data becomes a label.
    /// </summary>
    public static string BoundRawCode(string? rawCode)
    {
        if (string.IsNullOrWhiteSpace(rawCode))
        {
            return "none";
        }

        var code = rawCode.Trim();
        return code.Length <= 32 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && code.Count(char.IsAsciiDigit) <= 4
            ? code
            : "other";
    }
}
