using System.Collections.Concurrent;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>
/// Twenty accounts on one NOWEB server with webhooks off (a supported mode: the QR loop and reconciliation alone see
/// everything): linking and relinking while phones scan late, let QR codes run out and log out. WAHA holds every read of a
/// session that is not in the status asked for; none of it may open the breaker or report a connected account unreachable.
/// </summary>
public sealed class WahaFleetWithoutWebhooksTests
{
    private const int Accounts = 20;

    [Fact]
    public async Task Linking_and_relinking_twenty_accounts_with_late_scans_expired_codes_and_logouts_never_opens_the_breaker()
    {
        await using var bed = await WahaTestBed.StartAsync(o => (o.WebhookBaseUrl, o.BreakerThreshold) = ("", 3), engine: "NOWEB");
        var events = new ConcurrentQueue<EngineEvent>();
        var states = new List<GatewayReachability>();
        bed.Run();
        using var drain = new CancellationTokenSource();
        var draining = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in bed.Engine.Events.ReadAllAsync(drain.Token))
                {
                    events.Enqueue(e);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        async Task StepAsync(int seconds)
        {
            for (var i = 0; i < seconds; i++)
            {
                await bed.AdvanceAsync(TimeSpan.FromSeconds(1));
                states.Add(bed.Engine.Contact.State);
            }
        }

        async Task UntilAsync(Func<bool> done, string what)
        {
            for (var i = 0; i < 120 && !done(); i++)
            {
                await StepAsync(1);
            }

            Assert.True(done(), $"not reached within 120 s of the fake clock: {what}");
        }

        string Id(int i) => $"acc{i:00}";
        string Name(int i) => WahaTestBed.SessionOf(Id(i));
        bool Has<T>(int i, int generation, Func<T, bool>? also = null) where T : EngineEvent =>
            events.OfType<T>().Any(e => e.AccountId == Id(i) && e.Generation == generation && (also?.Invoke(e) ?? true));

        // Everyone links at once; the QR loop alone shows each first code.
        await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i => bed.StartAsync(Id(i), 1, LinkMode.Qr)));
        await UntilAsync(() => Enumerable.Range(0, Accounts).All(i => Has<QrIssued>(i, 1)), "a first QR for every account");

        // Phones scan late (after a few codes) on 0-14; 15-19 let every code run out (NOWEB: FAILED after the 6th).
        for (var i = 0; i < Accounts; i++)
        {
            if (i < 15)
            {
                bed.Server.RotateQr(Name(i));
                bed.Server.RotateQr(Name(i));
            }
            else
            {
                bed.Server.ExpireQr(Name(i));
            }
        }

        await StepAsync(3);
        for (var i = 0; i < 15; i++)
        {
            bed.Server.Scan(Name(i), $"97250100{i:0000}");
        }

        await UntilAsync(() => Enumerable.Range(0, 15).All(i => Has<SessionConnected>(i, 1)), "15 scanned accounts connected");
        await UntilAsync(() => Enumerable.Range(15, 5).All(i => Has<SessionDisconnected>(i, 1, e => e.RawCode == "408")), "5 expired links reported as expired QR codes");

        // Five phones log out; reconciliation (every 30 s) reports each as a logout.
        for (var i = 10; i < 15; i++)
        {
            bed.Server.LogoutFromPhone(Name(i));
        }

        await UntilAsync(() => Enumerable.Range(10, 5).All(i => Has<SessionDisconnected>(i, 1, e => e.RawCode == "401")), "5 logouts reported");

        // A person relinks the ten that lost their link; their phones scan late again.
        await Task.WhenAll(Enumerable.Range(10, 10).Select(i => bed.StartAsync(Id(i), 2, LinkMode.Qr)));
        await UntilAsync(() => Enumerable.Range(10, 10).All(i => Has<QrIssued>(i, 2)), "a first QR for each relink");
        for (var i = 10; i < 20; i++)
        {
            bed.Server.RotateQr(Name(i));
        }

        await StepAsync(3);
        for (var i = 10; i < 20; i++)
        {
            bed.Server.Scan(Name(i), $"97250100{i:0000}");
        }

        await UntilAsync(() => Enumerable.Range(10, 10).All(i => Has<SessionConnected>(i, 2)), "the ten relinked accounts connected");
        await StepAsync(65); // two more reconciliations with everyone connected

        await drain.CancelAsync();
        await draining;
        Assert.DoesNotContain(GatewayReachability.BreakerOpen, states);
        Assert.Equal(0, bed.Engine.Contact.ConsecutiveFailures);
        Assert.DoesNotContain(events.OfType<SessionDisconnected>(), e => e.RawCode == "gateway-unreachable");
        Assert.Equal(10, events.OfType<SessionDisconnected>().Count()); // 5 expired, 5 logged out, nothing else
        Assert.Equal(Accounts, Enumerable.Range(0, Accounts).Count(i => bed.Server.Status(Name(i)) == "WORKING"));
    }
}
