using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Reconnect;

/// <summary>
/// Maps raw disconnect codes and events of the engines (Baileys status codes, whatsmeow events,
/// whatsapp-web.js states and reasons, network errors) onto one <see cref="DisconnectReason"/>. Pure.
/// </summary>
public static class DisconnectClassifier
{
    private static readonly Dictionary<string, DisconnectReason> ByToken = new(StringComparer.OrdinalIgnoreCase)
    {
        // Baileys DisconnectReason status codes
        ["401"] = DisconnectReason.LoggedOut,
        ["402"] = DisconnectReason.Banned,
        ["403"] = DisconnectReason.Banned,
        ["405"] = DisconnectReason.ClientOutdated,
        ["408"] = DisconnectReason.Timeout,
        ["411"] = DisconnectReason.ClientOutdated,
        ["428"] = DisconnectReason.ConnectionLost,
        ["440"] = DisconnectReason.Replaced,
        ["500"] = DisconnectReason.SessionCorrupt,
        ["503"] = DisconnectReason.ServiceUnavailable,
        ["515"] = DisconnectReason.RestartRequired,
        // whatsmeow events
        ["LoggedOut"] = DisconnectReason.LoggedOut,
        ["StreamReplaced"] = DisconnectReason.Replaced,
        ["KeepAliveTimeout"] = DisconnectReason.KeepAliveTimeout,
        ["TemporaryBan"] = DisconnectReason.Banned,
        ["ClientOutdated"] = DisconnectReason.ClientOutdated,
        ["StreamError"] = DisconnectReason.ConnectionLost,
        ["Disconnected"] = DisconnectReason.ConnectionLost,
        // whatsapp-web.js states and reasons
        ["CONFLICT"] = DisconnectReason.Replaced,
        ["LOGOUT"] = DisconnectReason.LoggedOut,
        ["UNPAIRED"] = DisconnectReason.LoggedOut,
        ["UNPAIRED_IDLE"] = DisconnectReason.LoggedOut,
        ["TOS_BLOCK"] = DisconnectReason.Banned,
        ["SMB_TOS_BLOCK"] = DisconnectReason.Banned,
        ["TIMEOUT"] = DisconnectReason.Timeout,
        ["DEPRECATED_VERSION"] = DisconnectReason.ClientOutdated,
        ["UNLAUNCHED"] = DisconnectReason.ConnectionLost,
        ["PROXYBLOCK"] = DisconnectReason.ConnectionLost,
        ["NAVIGATION"] = DisconnectReason.ConnectionLost,
        // network errors
        ["ECONNREFUSED"] = DisconnectReason.ConnectionLost,
        ["ECONNRESET"] = DisconnectReason.ConnectionLost,
        ["ENOTFOUND"] = DisconnectReason.ConnectionLost,
        ["EAI_AGAIN"] = DisconnectReason.ConnectionLost,
        ["ETIMEDOUT"] = DisconnectReason.Timeout,
        ["EHOSTUNREACH"] = DisconnectReason.ConnectionLost,
        ["ENETUNREACH"] = DisconnectReason.ConnectionLost,
        ["EPIPE"] = DisconnectReason.ConnectionLost,
        // WAHA session statuses a session fell into without the dashboard asking (FAILED: WAHA suggests a restart,
        // which may not help, so the policy retries it a limited number of times)
        ["FAILED"] = DisconnectReason.Unknown,
        ["STOPPED"] = DisconnectReason.ConnectionLost,
        // the dashboard's own observations
        ["gateway-unreachable"] = DisconnectReason.ConnectionLost,
        ["engine-lost-session"] = DisconnectReason.ConnectionLost,
        ["engine-error"] = DisconnectReason.ConnectionLost,
        // WAHA NOWEB gave up a start that never got past STARTING (WhatsApp unreachable from the gateway): transient
        ["waha-stuck-starting"] = DisconnectReason.ConnectionLost,
    };

    /// <summary>whatsmeow ConnectFailure reasons (numeric) that are not transient.</summary>
    private static readonly Dictionary<int, DisconnectReason> ConnectFailureCodes = new()
    {
        [401] = DisconnectReason.LoggedOut,
        [402] = DisconnectReason.Banned,
        [403] = DisconnectReason.Banned,
        [405] = DisconnectReason.ClientOutdated,
        [409] = DisconnectReason.Banned,
        [411] = DisconnectReason.ClientOutdated,
        [415] = DisconnectReason.Banned,
        [500] = DisconnectReason.ServiceUnavailable,
        [503] = DisconnectReason.ServiceUnavailable,
    };

    public static DisconnectReason Classify(string? rawCode, string? rawText = null)
    {
        var code = rawCode?.Trim();
        if (!string.IsNullOrEmpty(code))
        {
            if (ByToken.TryGetValue(code, out var reason))
            {
                // device_removed arrives as 401 with a conflict text: still a logout.
                return reason;
            }

            // whatsmeow "ConnectFailure" with a reason, e.g. "ConnectFailure:401"
            if (code.StartsWith("ConnectFailure", StringComparison.OrdinalIgnoreCase))
            {
                var tail = code["ConnectFailure".Length..].TrimStart(':', ' ', '=');
                return int.TryParse(tail, out var failure) && ConnectFailureCodes.TryGetValue(failure, out var mapped)
                    ? mapped
                    : DisconnectReason.ConnectionLost;
            }

            if (code.StartsWith("TemporaryBan", StringComparison.OrdinalIgnoreCase))
            {
                return DisconnectReason.Banned;
            }
        }

        return ClassifyText(rawText);
    }

    private static DisconnectReason ClassifyText(string? rawText)
    {
        if (string.IsNullOrWhiteSpace(rawText))
        {
            return DisconnectReason.Unknown;
        }

        var text = rawText;
        if (Contains(text, "bad mac") || Contains(text, "badsession") || Contains(text, "bad session") || Contains(text, "creds"))
        {
            return DisconnectReason.SessionCorrupt;
        }

        if (Contains(text, "device_removed") || Contains(text, "logged out") || Contains(text, "unpaired"))
        {
            return DisconnectReason.LoggedOut;
        }

        if (Contains(text, "replaced") || Contains(text, "conflict"))
        {
            return DisconnectReason.Replaced;
        }

        foreach (var (token, reason) in ByToken)
        {
            if (token.Length > 3 && char.IsUpper(token[0]) && token.StartsWith('E') && Contains(text, token))
            {
                return reason;
            }
        }

        if (Contains(text, "timed out") || Contains(text, "timeout"))
        {
            return DisconnectReason.Timeout;
        }

        if (Contains(text, "connection closed") || Contains(text, "connection lost") || Contains(text, "socket"))
        {
            return DisconnectReason.ConnectionLost;
        }

        return DisconnectReason.Unknown;
    }

    private static bool Contains(string text, string token) => text.Contains(token, StringComparison.OrdinalIgnoreCase);
}
