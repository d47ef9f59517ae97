namespace WaDashboard.Core.Engines.Waha;

/// <summary>What the adapter does when it sees a session's WAHA status. Performed by <see cref="WahaEngine"/>.</summary>
public enum WahaEffect
{
    /// <summary>Emit <see cref="Authenticated"/>: the phone accepted the link.</summary>
    EmitAuthenticated,

    /// <summary>Emit <see cref="SessionConnected"/> with the session's <c>me</c>.</summary>
    EmitConnected,

    /// <summary>Read the raw QR; a new value is a new ref (<see cref="QrIssued"/>), the 7th stops the session (408).</summary>
    ShowQr,

    /// <summary>Ask for a pairing code with the account's phone number (<see cref="PairingCodeIssued"/>).</summary>
    RequestPairingCode,

    /// <summary>A restore-only start met a session asking for a QR: stop it on the server, emit <see cref="NoValidSession"/>.</summary>
    StopNoLogin,

    /// <summary>A connected session now asks for a QR (its login is gone): stop it on the server, emit a logged-out disconnect.</summary>
    StopLostLogin,

    /// <summary>Emit <see cref="SessionDisconnected"/> with raw code FAILED.</summary>
    EmitFailed,

    /// <summary>Emit <see cref="SessionDisconnected"/> with raw code STOPPED (stopped on the server, not by the dashboard).</summary>
    EmitStopped,
}

/// <summary>
/// The pure mapping from a session's WAHA status to the adapter's effects, given the status seen before and what the
/// adapter was asked for (<see cref="LinkMode.None"/> = restore only, or linking by QR or by code). It emits only on a
/// change, so a repeated status (a duplicated webhook, a reconciliation after a webhook) does nothing, except that a
/// repeated SCAN_QR_CODE while linking by QR reads the QR again (WAHA repeats that status each time the QR changes; only
/// a new value is shown). WaDashboard's policy decides reconnects: no mapping ever restarts or relinks a session.
/// </summary>
public static class WahaStatusMapping
{
    public static IReadOnlyList<WahaEffect> Map(string? previous, string status, LinkMode intent, bool pairingCodeIssued = false)
    {
        var changed = !string.Equals(previous, status, StringComparison.Ordinal);
        switch (status)
        {
            case WahaStatus.Working:
                if (!changed)
                {
                    return [];
                }

                return intent == LinkMode.None ? [WahaEffect.EmitConnected] : [WahaEffect.EmitAuthenticated, WahaEffect.EmitConnected];

            case WahaStatus.ScanQrCode:
                return intent switch
                {
                    LinkMode.Qr => [WahaEffect.ShowQr],
                    LinkMode.PairingCode => pairingCodeIssued ? [] : [WahaEffect.RequestPairingCode],
                    _ when !changed => [],
                    _ => previous == WahaStatus.Working ? [WahaEffect.StopLostLogin] : [WahaEffect.StopNoLogin],
                };

            case WahaStatus.Failed:
                return changed ? [WahaEffect.EmitFailed] : [];

            case WahaStatus.Stopped:
                return changed ? [WahaEffect.EmitStopped] : [];

            default:
                // STARTING, and statuses this adapter does not act on (e.g. the passkey steps of newer WAHA versions):
                // nothing to say yet; the raw status is kept.
                return [];
        }
    }
}
