using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Waha;
using static WaDashboard.Core.Engines.Waha.WahaEffect;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>The pure table from (status before, WAHA status, what the start asked for) to the adapter's effects.</summary>
public sealed class WahaStatusMappingTests
{
    public static TheoryData<string?, string, LinkMode, bool, WahaEffect[]> Table => new()
    {
        // STARTING says nothing yet, whatever was asked.
        { null, "STARTING", LinkMode.None, false, [] },
        { "STOPPED", "STARTING", LinkMode.Qr, false, [] },
        { "FAILED", "STARTING", LinkMode.PairingCode, false, [] },
        // WORKING: connected; authenticated first when a person was linking.
        { null, "WORKING", LinkMode.None, false, [EmitConnected] },
        { "STARTING", "WORKING", LinkMode.None, false, [EmitConnected] },
        { "SCAN_QR_CODE", "WORKING", LinkMode.Qr, false, [EmitAuthenticated, EmitConnected] },
        { "SCAN_QR_CODE", "WORKING", LinkMode.PairingCode, true, [EmitAuthenticated, EmitConnected] },
        { "FAILED", "WORKING", LinkMode.None, false, [EmitConnected] },
        { "(unreachable)", "WORKING", LinkMode.None, false, [EmitConnected] },
        { "WORKING", "WORKING", LinkMode.None, false, [] },
        // SCAN_QR_CODE: a QR for a person linking by QR (every time: WAHA repeats it when the QR changes) ...
        { "STARTING", "SCAN_QR_CODE", LinkMode.Qr, false, [ShowQr] },
        { "SCAN_QR_CODE", "SCAN_QR_CODE", LinkMode.Qr, false, [ShowQr] },
        // ... one pairing code for a person linking by code ...
        { "STARTING", "SCAN_QR_CODE", LinkMode.PairingCode, false, [RequestPairingCode] },
        { "SCAN_QR_CODE", "SCAN_QR_CODE", LinkMode.PairingCode, true, [] },
        // ... and never a QR nobody asked for: a restore-only start stops it.
        { "STARTING", "SCAN_QR_CODE", LinkMode.None, false, [StopNoLogin] },
        { null, "SCAN_QR_CODE", LinkMode.None, false, [StopNoLogin] },
        { "STOPPED", "SCAN_QR_CODE", LinkMode.None, false, [StopNoLogin] },
        { "WORKING", "SCAN_QR_CODE", LinkMode.None, false, [StopLostLogin] },
        { "SCAN_QR_CODE", "SCAN_QR_CODE", LinkMode.None, false, [] },
        // FAILED and STOPPED on the server's own: a disconnect, once.
        { "WORKING", "FAILED", LinkMode.None, false, [EmitFailed] },
        { "STARTING", "FAILED", LinkMode.Qr, false, [EmitFailed] },
        { null, "FAILED", LinkMode.None, false, [EmitFailed] },
        { "FAILED", "FAILED", LinkMode.None, false, [] },
        { "WORKING", "STOPPED", LinkMode.None, false, [EmitStopped] },
        { "SCAN_QR_CODE", "STOPPED", LinkMode.Qr, false, [EmitStopped] },
        { "STOPPED", "STOPPED", LinkMode.None, false, [] },
        // Statuses the adapter does not act on (newer WAHA passkey steps) keep the raw status and say nothing.
        { "SCAN_QR_CODE", "PASSKEY_REQUIRED", LinkMode.Qr, false, [] },
        { "WORKING", "SOMETHING_NEW", LinkMode.None, false, [] },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_status_maps_to_its_effects(string? previous, string status, LinkMode intent, bool codeIssued, WahaEffect[] expected) =>
        Assert.Equal(expected, WahaStatusMapping.Map(previous, status, intent, codeIssued));

    [Theory]
    [InlineData("WORKING")]
    [InlineData("FAILED")]
    [InlineData("STOPPED")]
    [InlineData("STARTING")]
    public void A_repeated_status_never_emits_twice(string status)
    {
        foreach (var intent in Enum.GetValues<LinkMode>())
        {
            Assert.Empty(WahaStatusMapping.Map(status, status, intent, pairingCodeIssued: true));
        }
    }

    [Fact]
    public void No_status_ever_restarts_or_relinks_a_session()
    {
        var statuses = new[] { null, "STOPPED", "STARTING", "SCAN_QR_CODE", "WORKING", "FAILED" };
        foreach (var previous in statuses)
        {
            foreach (var status in statuses.OfType<string>())
            {
                foreach (var intent in Enum.GetValues<LinkMode>())
                {
                    var effects = WahaStatusMapping.Map(previous, status, intent);
                    // A QR or a code only for the link a person asked for.
                    Assert.True(intent == LinkMode.Qr || !effects.Contains(ShowQr));
                    Assert.True(intent == LinkMode.PairingCode || !effects.Contains(RequestPairingCode));
                }
            }
        }
    }
}
