using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Tests.Unit;

public class DisconnectClassifierTests
{
    [Theory]
    // Baileys status codes
    [InlineData("401", null, DisconnectReason.LoggedOut)]
    [InlineData("401", "Stream Errored (conflict): device_removed", DisconnectReason.LoggedOut)]
    [InlineData("402", null, DisconnectReason.Banned)]
    [InlineData("403", null, DisconnectReason.Banned)]
    [InlineData("405", null, DisconnectReason.ClientOutdated)]
    [InlineData("408", "QR refs attempts ended", DisconnectReason.Timeout)]
    [InlineData("411", null, DisconnectReason.ClientOutdated)]
    [InlineData("428", "Connection Closed", DisconnectReason.ConnectionLost)]
    [InlineData("440", "Stream Errored (conflict)", DisconnectReason.Replaced)]
    [InlineData("500", "Bad MAC", DisconnectReason.SessionCorrupt)]
    [InlineData("503", null, DisconnectReason.ServiceUnavailable)]
    [InlineData("515", "Stream Errored (restart required)", DisconnectReason.RestartRequired)]
    // whatsmeow events
    [InlineData("LoggedOut", null, DisconnectReason.LoggedOut)]
    [InlineData("StreamReplaced", null, DisconnectReason.Replaced)]
    [InlineData("KeepAliveTimeout", null, DisconnectReason.KeepAliveTimeout)]
    [InlineData("TemporaryBan", null, DisconnectReason.Banned)]
    [InlineData("TemporaryBan:101", null, DisconnectReason.Banned)]
    [InlineData("ConnectFailure", null, DisconnectReason.ConnectionLost)]
    [InlineData("ConnectFailure:401", null, DisconnectReason.LoggedOut)]
    [InlineData("ConnectFailure:403", null, DisconnectReason.Banned)]
    [InlineData("ConnectFailure:405", null, DisconnectReason.ClientOutdated)]
    [InlineData("ConnectFailure:503", null, DisconnectReason.ServiceUnavailable)]
    // whatsapp-web.js states and reasons
    [InlineData("CONFLICT", null, DisconnectReason.Replaced)]
    [InlineData("LOGOUT", null, DisconnectReason.LoggedOut)]
    [InlineData("UNPAIRED", null, DisconnectReason.LoggedOut)]
    [InlineData("UNPAIRED_IDLE", null, DisconnectReason.LoggedOut)]
    [InlineData("TOS_BLOCK", null, DisconnectReason.Banned)]
    [InlineData("SMB_TOS_BLOCK", null, DisconnectReason.Banned)]
    [InlineData("TIMEOUT", null, DisconnectReason.Timeout)]
    [InlineData("DEPRECATED_VERSION", null, DisconnectReason.ClientOutdated)]
    [InlineData("logout", null, DisconnectReason.LoggedOut)]
    // network errors, as codes or inside the text
    [InlineData("ECONNREFUSED", null, DisconnectReason.ConnectionLost)]
    [InlineData("ECONNRESET", null, DisconnectReason.ConnectionLost)]
    [InlineData("ENOTFOUND", null, DisconnectReason.ConnectionLost)]
    [InlineData("ETIMEDOUT", null, DisconnectReason.Timeout)]
    [InlineData(null, "connect ECONNREFUSED 127.0.0.1:443", DisconnectReason.ConnectionLost)]
    [InlineData(null, "getaddrinfo ENOTFOUND web.whatsapp.com", DisconnectReason.ConnectionLost)]
    [InlineData(null, "Bad MAC", DisconnectReason.SessionCorrupt)]
    [InlineData(null, "Stream Errored (conflict): replaced", DisconnectReason.Replaced)]
    [InlineData(null, "Request timed out", DisconnectReason.Timeout)]
    [InlineData("engine-lost-session", "Session not found", DisconnectReason.ConnectionLost)]
    // WAHA gateway statuses and the gateway adapter's own observations
    [InlineData("FAILED", "Gateway waha-1: WAHA reports the session wad_x FAILED (was WORKING)", DisconnectReason.Unknown)]
    [InlineData("failed", null, DisconnectReason.Unknown)]
    [InlineData("STOPPED", "Gateway waha-1: the session wad_x was stopped on the server, not by the dashboard", DisconnectReason.ConnectionLost)]
    [InlineData("gateway-unreachable", "Gateway waha-1 is not answering: connection refused", DisconnectReason.ConnectionLost)]
    [InlineData("SCAN_QR_CODE", "Gateway waha-1: the session wad_x lost its login (logged out) and asks for a new QR code", DisconnectReason.LoggedOut)]
    [InlineData(null, null, DisconnectReason.Unknown)]
    [InlineData("777", "something new", DisconnectReason.Unknown)]
    public void Raw_codes_and_events_map_to_one_reason(string? code, string? text, DisconnectReason expected) =>
        Assert.Equal(expected, DisconnectClassifier.Classify(code, text));

    [Fact]
    public void Every_reason_explains_itself_and_says_what_a_person_does()
    {
        foreach (var reason in Enum.GetValues<DisconnectReason>())
        {
            var info = ReasonCatalog.Get(reason);
            Assert.False(string.IsNullOrWhiteSpace(info.Title));
            Assert.False(string.IsNullOrWhiteSpace(info.Explanation));
            Assert.False(string.IsNullOrWhiteSpace(info.OperatorAction));
        }
    }

    [Theory]
    [InlineData(DisconnectReason.Replaced)]
    [InlineData(DisconnectReason.LoggedOut)]
    [InlineData(DisconnectReason.Banned)]
    [InlineData(DisconnectReason.SessionCorrupt)]
    [InlineData(DisconnectReason.ClientOutdated)]
    public void Harmful_reasons_never_reconnect_by_themselves(DisconnectReason reason) =>
        Assert.False(ReasonCatalog.Get(reason).AutoReconnect);
}
