namespace WaDashboard.Core.Accounts;

/// <summary>Plain-language meaning of every reason, whether it may reconnect by itself, and what a person does.</summary>
public static class ReasonCatalog
{
    private static readonly Dictionary<DisconnectReason, ReasonInfo> Infos = new ReasonInfo[]
    {
        new(DisconnectReason.ConnectionLost, "Connection lost",
            "The link to WhatsApp dropped (network error or closed connection). The session itself is fine.",
            AutoReconnect: true, "Nothing: it reconnects by itself with backoff."),
        new(DisconnectReason.Timeout, "Connection timed out",
            "WhatsApp did not answer in time. The session itself is fine.",
            AutoReconnect: true, "Nothing: it reconnects by itself with backoff."),
        new(DisconnectReason.KeepAliveTimeout, "Keep-alive timed out",
            "The phone or the network stopped answering keep-alive pings (slow or unstable link).",
            AutoReconnect: true, "Nothing: it reconnects by itself."),
        new(DisconnectReason.RestartRequired, "Restart required",
            "WhatsApp asked for a restart, as it does right after linking.",
            AutoReconnect: true, "Nothing: it restarts at once."),
        new(DisconnectReason.ServiceUnavailable, "WhatsApp unavailable",
            "WhatsApp's servers answered that the service is unavailable.",
            AutoReconnect: true, "Nothing: it retries with a longer backoff."),
        new(DisconnectReason.Replaced, "Replaced by another device",
            "Another instance or device opened this same session. Reconnecting would fight it and risks a ban.",
            AutoReconnect: false, "Stop the other instance or device, then click Reconnect."),
        new(DisconnectReason.LoggedOut, "Logged out",
            "The session was logged out (from the phone, or the linked device was removed). It cannot be reused.",
            AutoReconnect: false, "Relink: click Reconnect to get a fresh QR code or pairing code and scan it with the phone."),
        new(DisconnectReason.Banned, "Banned",
            "WhatsApp blocked this number. Reconnecting during a ban makes it worse.",
            AutoReconnect: false, "Wait until the ban expires, then reconnect; or use another number."),
        new(DisconnectReason.SessionCorrupt, "Session corrupt",
            "The stored session files are unreadable or inconsistent (e.g. a truncated creds.json or Bad MAC errors).",
            AutoReconnect: false, "Clear the session and relink with a fresh QR code."),
        new(DisconnectReason.ClientOutdated, "Client outdated",
            "WhatsApp refused this client version.",
            AutoReconnect: false, "Update the engine, then click Reconnect."),
        new(DisconnectReason.Unknown, "Unknown disconnect",
            "The engine reported a disconnect this dashboard does not recognise; the raw code is shown.",
            AutoReconnect: true, "Nothing at first: it retries a limited number of times. Check the raw code if it repeats."),
    }.ToDictionary(i => i.Reason);

    public static ReasonInfo Get(DisconnectReason reason) => Infos[reason];

    public static IReadOnlyCollection<ReasonInfo> All => Infos.Values;
}
