namespace WaDashboard.Core.Engines.Simulator;

public enum SimulatorFaultKind
{
    /// <summary>The connection drops with a raw code (default 428 "Connection Closed").</summary>
    Drop,
    /// <summary>The phone removes the linked device (401).</summary>
    Logout,
    /// <summary>Another device opens the same session (440).</summary>
    Replace,
    /// <summary>WhatsApp bans the number, optionally until a time.</summary>
    Ban,
    /// <summary>creds.json on disk is truncated.</summary>
    Corrupt,
    /// <summary>The next start hangs for a while (default 60 s) before it answers.</summary>
    SlowStart,
    /// <summary>The engine silently loses the session (a crash whose disconnect event never arrives).</summary>
    LoseSession,
    /// <summary>The session still says "connected" but no longer answers (a zombie).</summary>
    Zombie,
    /// <summary>The next sends (default 1) are refused by the server with an error; nothing is delivered.</summary>
    RejectSends,
    /// <summary>The next send (or several) is delivered, but its confirmation never comes back: the engine cannot tell.</summary>
    SendTimeout,
}

public sealed record SimulatorFault(SimulatorFaultKind Kind, string? Code = null, string? Text = null, DateTimeOffset? Until = null, TimeSpan? Delay = null, int? Count = null)
{
    public static bool TryParseKind(string? value, out SimulatorFaultKind kind)
    {
        kind = default;
        return value?.Trim().ToLowerInvariant() switch
        {
            "drop" => Set(SimulatorFaultKind.Drop, out kind),
            "logout" => Set(SimulatorFaultKind.Logout, out kind),
            "replace" => Set(SimulatorFaultKind.Replace, out kind),
            "ban" => Set(SimulatorFaultKind.Ban, out kind),
            "corrupt" => Set(SimulatorFaultKind.Corrupt, out kind),
            "slow-start" or "slowstart" => Set(SimulatorFaultKind.SlowStart, out kind),
            "lose-session" or "losesession" => Set(SimulatorFaultKind.LoseSession, out kind),
            "zombie" => Set(SimulatorFaultKind.Zombie, out kind),
            "reject-sends" or "rejectsends" => Set(SimulatorFaultKind.RejectSends, out kind),
            "send-timeout" or "sendtimeout" => Set(SimulatorFaultKind.SendTimeout, out kind),
            _ => false,
        };

        static bool Set(SimulatorFaultKind value, out SimulatorFaultKind kind)
        {
            kind = value;
            return true;
        }
    }
}

/// <summary>A message the simulated phone network received.</summary>
public sealed record SimulatedMessage(string MessageId, string AccountId, string To, string Text, DateTimeOffset At);

/// <summary>One line of the simulator's received-messages log (JSON Lines).</summary>
public sealed record ReceivedLogLine(
    [property: System.Text.Json.Serialization.JsonPropertyName("message_id")] string MessageId,
    [property: System.Text.Json.Serialization.JsonPropertyName("account_id")] string AccountId,
    [property: System.Text.Json.Serialization.JsonPropertyName("to")] string To,
    [property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text,
    [property: System.Text.Json.Serialization.JsonPropertyName("at")] DateTimeOffset At);
