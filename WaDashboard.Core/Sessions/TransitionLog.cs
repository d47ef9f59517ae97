using Microsoft.Extensions.Logging;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// The log line of every state change, generated at compile time: it runs once per engine event, so it neither boxes
/// its values into an array nor formats when Information is off (measured with dotnet-trace: the change log was the
/// second largest source of allocations on the event path).
/// </summary>
internal static partial class TransitionLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "[{Phone}] {AccountId} {From} -> {To} - Reason: {Reason} ({RawCode} {RawText}); {Note}")]
    public static partial void Disconnected(ILogger logger, string phone, string accountId, AccountStatus from, AccountStatus to,
        DisconnectReason reason, string? rawCode, string? rawText, string? note);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "[{Phone}] {AccountId} {From} -> {To}; {Note}")]
    public static partial void Changed(ILogger logger, string phone, string accountId, AccountStatus from, AccountStatus to, string? note);
}
