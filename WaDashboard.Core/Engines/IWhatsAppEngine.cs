namespace WaDashboard.Core.Engines;

/// <summary>How a session start may link when the folder holds no valid login.</summary>
public enum LinkMode
{
    /// <summary>Restore only: without a valid login the engine reports <see cref="NoValidSession"/>, never a QR.</summary>
    None,
    Qr,
    PairingCode,
}

public sealed record SessionStartRequest(string AccountId, int Generation, string Folder, LinkMode Link, string PhoneDigits);

/// <summary>
/// What an engine says about one send. <paramref name="Accepted"/> with the engine's message id when it took the message;
/// otherwise <paramref name="Error"/>, and <paramref name="NotConnected"/> when it refused because the session is not
/// connected. Either way a refusal means the message was certainly not sent; an engine throws only when it cannot tell.
/// </summary>
public sealed record EngineSendResult(bool Accepted, string? MessageId, string? Error, bool NotConnected = false)
{
    public static EngineSendResult Sent(string messageId) => new(true, messageId, null);

    public static EngineSendResult Refused(string error) => new(false, null, error);

    public static EngineSendResult NotConnectedRefusal(string error = "The account is not connected.") => new(false, null, error, NotConnected: true);
}

/// <summary>What the engine itself knows of a session (for drift reconciliation).</summary>
public sealed record EngineSessionInfo(string AccountId, int Generation, bool Connected);

/// <summary>
/// The port every engine (the simulator, later real gateways) implements. Its events come out of
/// <see cref="Events"/>, a bounded channel that the fleet's event pump drains; every event carries the
/// generation it belongs to, so a late event of an old session can never move a newer one.
/// </summary>
public interface IWhatsAppEngine
{
    string Name { get; }

    Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken);

    /// <summary>Closes the connection, keeps the login on disk.</summary>
    Task StopSessionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Logs the linked device out on WhatsApp's side and closes the session.</summary>
    Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a text. Returns a refusal (never throws) when the message was certainly not sent; throws only when the
    /// outcome is unknown (e.g. the request timed out after it may have reached WhatsApp), so that the outbox never
    /// re-sends such a message without a person's decision.
    /// </summary>
    Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken);

    Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Asks a connected session to answer (a ping through to WhatsApp); false when it does not.</summary>
    Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Every session the engine holds right now, for drift reconciliation.</summary>
    Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken);

    System.Threading.Channels.ChannelReader<EngineEvent> Events { get; }

    /// <summary>
    /// True when the account's session is kept by a remote gateway: there is no local session folder to check or clean,
    /// and the gateway reconciles its sessions itself (the dashboard's drift check leaves them alone).
    /// </summary>
    bool IsRemote(string accountId) => false;
}
