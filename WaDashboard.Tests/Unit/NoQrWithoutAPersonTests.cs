using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Unit;

/// <summary>
/// Whatever the engine and the clock do, only a person's command can ever ask the engine for a QR or a
/// pairing code (a second session while one exists gets numbers logged out).
/// </summary>
public class NoQrWithoutAPersonTests
{
    private static readonly string[] RawCodes = ["401", "403", "408", "428", "440", "500", "503", "515", "999", "KeepAliveTimeout", "CONFLICT", "ECONNRESET", "start-timeout"];

    [Fact]
    public void Ten_thousand_random_event_sequences_never_start_a_link_by_themselves()
    {
        var random = new Random(20261122);
        var options = new ReconnectOptions();
        var startsChecked = 0;
        for (var run = 0; run < 10_000; run++)
        {
            var now = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
            var status = Enum.GetValues<AccountStatus>()[random.Next(Enum.GetValues<AccountStatus>().Length)];
            var state = new AccountState
            {
                Id = "0123456789abcdef", Name = "x", Phone = PhoneNumber.Parse("+972501234567"), CreatedAt = now, StatusSince = now,
                Status = status, SessionLinked = random.Next(2) == 0, Generation = 1, StartToken = 1,
            };

            for (var step = 0; step < 30; step++)
            {
                now = now.AddSeconds(random.Next(0, 600));
                SupervisorInput input = random.Next(9) switch
                {
                    0 => new EngineEventInput(new SessionDisconnected(state.Id, state.Generation, RawCodes[random.Next(RawCodes.Length)], "t")),
                    1 => new EngineEventInput(new SessionConnected(state.Id, state.Generation, "j", null)),
                    2 => new EngineEventInput(new QrIssued(state.Id, state.Generation, "q", now.AddSeconds(20), 2, 6)),
                    3 => new EngineEventInput(new NoValidSession(state.Id, state.Generation, "none")),
                    4 => new EngineEventInput(new TemporaryBanned(state.Id, state.Generation, "101", now.AddHours(1))),
                    5 => new DeadlineReached(DeadlineKind.ReconnectDue, state.StartToken),
                    6 => new DeadlineReached(DeadlineKind.StartTimeout, state.StartToken),
                    7 => new RestoreCommand(),
                    _ => new DriftDetected("lost", state.StartToken),
                };

                var result = SessionTransitions.Apply(state, input, new TransitionContext(now, options, random.NextDouble()));
                foreach (var start in result.Effects.OfType<StartEngine>())
                {
                    startsChecked++;
                    Assert.Equal(LinkMode.None, start.Link);
                }

                Assert.DoesNotContain(result.Effects, e => e is DeleteGenerationFolder);
                state = result.State;
            }
        }

        Assert.True(startsChecked > 1000, $"the sequences exercised only {startsChecked} automatic starts");
    }
}
