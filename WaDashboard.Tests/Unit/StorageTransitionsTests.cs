using WaDashboard.Core.Accounts;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Tests.Unit;

/// <summary>
/// The pure decisions about session storage: clearing a session, repairs refused while the session is in use, the
/// start retries of smart initialize, what a folder check leads to, and the advisor's recommendations.
/// </summary>
public class StorageTransitionsTests
{
    private static readonly DateTimeOffset T0 = TransitionTable.T0;
    private static readonly ReconnectOptions Options = TransitionTable.Options;

    private static AccountState State(AccountStatus status, bool linked = true, int generation = 2) => TransitionTable.Account(status, linked, generation);

    private static Transition Apply(AccountState state, SupervisorInput input) => TransitionTable.Apply(state, input);

    public static TheoryData<AccountStatus, bool, bool, bool> ClearTable() => new()
    {
        // state, linked → logs the device out, stops the engine
        { AccountStatus.Connected, true, true, false },
        { AccountStatus.Stopped, true, true, false },
        { AccountStatus.SessionCorrupt, false, false, false },
        { AccountStatus.LoggedOut, false, false, false },
        { AccountStatus.Starting, false, false, true },
        { AccountStatus.GaveUp, true, true, false },
    };

    [Theory]
    [MemberData(nameof(ClearTable))]
    public void Clearing_a_session_quarantines_its_generation_and_starts_a_new_one_with_a_QR(AccountStatus from, bool linked, bool logsOut, bool stops)
    {
        var state = State(from, linked, generation: 2);

        var result = Apply(state, new ClearSessionCommand());

        Assert.Equal(CommandOutcome.Started, result.Result!.Outcome);
        Assert.Equal(AccountStatus.Starting, result.State.Status);
        Assert.Equal(3, result.State.Generation);
        Assert.False(result.State.SessionLinked);
        Assert.Equal(logsOut, result.Effects.Any(e => e is LogoutEngine));
        Assert.Equal(stops, result.Effects.Any(e => e is StopEngine));
        // The old generation goes to the quarantine before the new session starts, and the new one asks for a QR.
        var quarantine = Assert.Single(result.Effects.OfType<QuarantineSessionFolder>());
        Assert.Equal(2, quarantine.Generation);
        Assert.Equal(new StartEngine(3, LinkMode.Qr, state.StartToken + 1), result.Effects[^1]);
        Assert.True(result.Effects.ToList().IndexOf(quarantine) < result.Effects.Count - 1);
        Assert.DoesNotContain(result.Effects, e => e is DeleteGenerationFolder);
    }

    [Fact]
    public void Clearing_twice_joins_the_first_clear_and_clearing_a_never_linked_account_just_links_it()
    {
        var cleared = Apply(State(AccountStatus.SessionCorrupt, linked: false), new ClearSessionCommand()).State;
        var again = Apply(cleared, new ClearSessionCommand());
        Assert.Equal(CommandOutcome.InProgress, again.Result!.Outcome);
        Assert.Empty(again.Effects);
        Assert.Equal(CommandOutcome.InProgress, Apply(cleared, new LinkCommand(LinkMode.Qr)).Result!.Outcome);

        var fresh = Apply(State(AccountStatus.New, linked: false, generation: 0), new ClearSessionCommand());
        Assert.DoesNotContain(fresh.Effects, e => e is QuarantineSessionFolder);
        Assert.Equal(new StartEngine(1, LinkMode.Qr, 8), Assert.Single(fresh.Effects));
    }

    [Theory]
    [InlineData(AccountStatus.Starting)]
    [InlineData(AccountStatus.AwaitingQrScan)]
    [InlineData(AccountStatus.AwaitingPairingCode)]
    [InlineData(AccountStatus.Connected)]
    public void A_repair_of_the_current_folder_is_refused_while_the_session_is_in_use(AccountStatus status)
    {
        foreach (FolderRepair repair in new FolderRepair[] { new TrimCaches(), new RemoveStaleLocks(), new RemoveTempFiles(), new RestoreCreds("2-0639000000000000000") })
        {
            var state = State(status);
            var result = Apply(state, new MaintainSessionCommand(repair));

            Assert.Equal(CommandOutcome.Refused, result.Result!.Outcome);
            Assert.Contains("in use", result.Result.Message);
            Assert.Empty(result.Effects);
            Assert.Same(state, result.State);
        }
    }

    [Theory]
    [InlineData(AccountStatus.Stopped)]
    [InlineData(AccountStatus.Disconnected)]
    [InlineData(AccountStatus.Reconnecting)]
    [InlineData(AccountStatus.SessionCorrupt)]
    [InlineData(AccountStatus.LoggedOut)]
    [InlineData(AccountStatus.GaveUp)]
    public void A_repair_of_a_folder_not_in_use_runs_on_the_current_generation_without_changing_the_account(AccountStatus status)
    {
        var state = State(status);

        var result = Apply(state, new MaintainSessionCommand(new TrimCaches()));

        Assert.Same(state, result.State);
        Assert.Equal(new RepairSessionFolder(2, new TrimCaches()), Assert.Single(result.Effects));

        var restore = Apply(state, new MaintainSessionCommand(new RestoreCreds("2-0639000000000000000")));
        Assert.Equal(new SessionEffect[] { new RepairSessionFolder(2, new RestoreCreds("2-0639000000000000000")), new CheckSessionFolder(2, 7, FolderCheckPurpose.AfterRestore) }, restore.Effects);
    }

    [Theory]
    [InlineData(AccountStatus.Connected)]
    [InlineData(AccountStatus.Starting)]
    [InlineData(AccountStatus.Stopped)]
    public void Only_an_older_generation_can_be_quarantined_and_that_even_while_the_current_one_is_in_use(AccountStatus status)
    {
        var state = State(status, generation: 3);

        Assert.Equal(new RepairSessionFolder(1, new QuarantineOldGeneration(1)), Assert.Single(Apply(state, new MaintainSessionCommand(new QuarantineOldGeneration(1))).Effects));
        Assert.Equal(CommandOutcome.Refused, Apply(state, new MaintainSessionCommand(new QuarantineOldGeneration(3))).Result!.Outcome);
        Assert.Equal(CommandOutcome.Refused, Apply(state, new MaintainSessionCommand(new QuarantineOldGeneration(4))).Result!.Outcome);
        Assert.Equal(CommandOutcome.Refused, Apply(state, new MaintainSessionCommand(new QuarantineOldGeneration(0))).Result!.Outcome);
    }

    [Fact]
    public void A_hanging_restore_start_is_retried_twice_then_the_folder_is_checked_and_retrying_stops()
    {
        var state = State(AccountStatus.Starting) with { StartTimeouts = 0 };

        for (var attempt = 1; attempt <= Options.StartRetries; attempt++)
        {
            var retried = Apply(state, new DeadlineReached(DeadlineKind.StartTimeout, state.StartToken));
            Assert.Equal(attempt, retried.State.StartTimeouts);
            Assert.Equal(AccountStatus.Reconnecting, retried.State.Status);
            Assert.Equal(DisconnectReason.Timeout, retried.State.Reason);
            Assert.Contains(retried.Effects, e => e is ScheduleDeadline { Kind: DeadlineKind.ReconnectDue });
            state = retried.State with { Status = AccountStatus.Starting, StartToken = retried.State.StartToken + 1 };
        }

        var third = Apply(state, new DeadlineReached(DeadlineKind.StartTimeout, state.StartToken));
        Assert.Equal(AccountStatus.Disconnected, third.State.Status);
        Assert.True(third.State.AutoReconnectPaused);
        Assert.Equal(3, third.State.StartTimeouts);
        Assert.Equal(new SessionEffect[] { new StopEngine(), new CheckSessionFolder(state.Generation, state.StartToken, FolderCheckPurpose.AfterStartTimeouts) }, third.Effects);
        Assert.DoesNotContain(third.Effects, e => e is StartEngine or ScheduleDeadline);

        var corrupt = Apply(third.State, new SessionFolderChecked(FolderCheckPurpose.AfterStartTimeouts, state.StartToken, Corrupt: true, LoginPresent: false, "creds.json unreadable"));
        Assert.Equal(AccountStatus.SessionCorrupt, corrupt.State.Status);
        Assert.False(corrupt.State.SessionLinked);
        Assert.Contains(corrupt.Effects, e => e is QuarantineSessionFolder { Generation: 2 });
        Assert.Contains(corrupt.Effects, e => e is RaiseAlert);
        Assert.DoesNotContain(corrupt.Effects, e => e is StartEngine);

        var intact = Apply(third.State, new SessionFolderChecked(FolderCheckPurpose.AfterStartTimeouts, state.StartToken, Corrupt: false, LoginPresent: true, "fine"));
        Assert.Equal(AccountStatus.Disconnected, intact.State.Status);
        Assert.True(intact.State.SessionLinked, "an intact login is kept");
        Assert.True(intact.State.AutoReconnectPaused);
        Assert.Contains("intact", intact.State.Note);
        Assert.Single(intact.Effects.OfType<RaiseAlert>());
        Assert.DoesNotContain(intact.Effects, e => e is StartEngine or QuarantineSessionFolder);
    }

    [Fact]
    public void A_connection_or_a_person_resets_the_start_retries()
    {
        var hung = State(AccountStatus.Starting) with { StartTimeouts = 2 };

        Assert.Equal(0, Apply(hung, new EngineEventInput(new SessionConnected(hung.Id, 2, "1@s.whatsapp.net", null))).State.StartTimeouts);
        Assert.Equal(0, Apply(hung with { Status = AccountStatus.Disconnected, AutoReconnectPaused = true }, new ReconnectCommand()).State.StartTimeouts);
        Assert.Equal(0, Apply(hung with { Status = AccountStatus.Disconnected }, new LinkCommand(LinkMode.Qr)).State.StartTimeouts);
    }

    [Fact]
    public void A_link_start_that_hangs_is_never_retried_by_itself()
    {
        var linking = State(AccountStatus.Starting, linked: false);

        var result = Apply(linking, new DeadlineReached(DeadlineKind.StartTimeout, linking.StartToken));

        // It never showed a code: not "QR expired", but what happened and what to check.
        Assert.Equal(AccountStatus.Disconnected, result.State.Status);
        Assert.Contains("no QR code or pairing code ever came", result.State.Note);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine or CheckSessionFolder);
    }

    [Fact]
    public void A_session_found_corrupt_before_its_start_is_quarantined_and_a_person_is_asked_for_a_QR()
    {
        var starting = State(AccountStatus.Starting);

        var result = Apply(starting, new SessionFolderChecked(FolderCheckPurpose.BeforeStart, starting.StartToken, Corrupt: true, LoginPresent: false, "creds.json is cut off"));

        Assert.Equal(AccountStatus.SessionCorrupt, result.State.Status);
        Assert.Equal(DisconnectReason.SessionCorrupt, result.State.Reason);
        Assert.Equal("folder-check", result.State.RawCode);
        Assert.False(result.State.SessionLinked);
        Assert.Contains("quarantine", result.State.Note);
        Assert.Contains("QR", result.State.Note);
        Assert.Equal(new QuarantineSessionFolder(2, "Corrupt session: creds.json is cut off"), result.Effects[0]);
        Assert.IsType<RaiseAlert>(result.Effects[1]);
        Assert.Equal(new DisconnectObservation(DisconnectReason.SessionCorrupt, "folder-check", "creds.json is cut off"), result.Observed);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine);

        // A check made for an older start changes nothing.
        Assert.Same(starting, Apply(starting, new SessionFolderChecked(FolderCheckPurpose.BeforeStart, 6, true, false, "old")).State);
    }

    [Fact]
    public void A_restored_creds_json_with_a_login_makes_the_session_usable_again_without_a_QR()
    {
        var corrupt = State(AccountStatus.SessionCorrupt, linked: false);

        var restored = Apply(corrupt, new SessionFolderChecked(FolderCheckPurpose.AfterRestore, corrupt.StartToken, Corrupt: false, LoginPresent: true, "ok"));
        Assert.Equal(AccountStatus.Stopped, restored.State.Status);
        Assert.True(restored.State.SessionLinked);

        var reconnect = Apply(restored.State, new ReconnectCommand());
        Assert.Equal(LinkMode.None, Assert.Single(reconnect.Effects.OfType<StartEngine>()).Link);

        Assert.Same(corrupt, Apply(corrupt, new SessionFolderChecked(FolderCheckPurpose.AfterRestore, corrupt.StartToken, Corrupt: true, LoginPresent: false, "bad")).State);
    }

    public static TheoryData<AccountStatus, bool, SessionVerdict, bool, bool, bool, FindingKind?> AdviceTable() => new()
    {
        // state, linked, folder verdict → clear, reconnect, scan QR, the state's own finding
        { AccountStatus.Connected, true, SessionVerdict.Valid, false, false, false, null },
        { AccountStatus.Stopped, true, SessionVerdict.Valid, false, true, false, FindingKind.NotConnected },
        { AccountStatus.Disconnected, true, SessionVerdict.Valid, false, true, false, FindingKind.NotConnected },
        { AccountStatus.GaveUp, true, SessionVerdict.Valid, false, true, false, FindingKind.NotConnected },
        { AccountStatus.New, false, SessionVerdict.Missing, false, false, true, FindingKind.NotLinked },
        { AccountStatus.LoggedOut, false, SessionVerdict.Valid, false, false, true, FindingKind.LoggedOut },
        { AccountStatus.QrExpired, false, SessionVerdict.Missing, false, false, true, FindingKind.LinkExpired },
        { AccountStatus.SessionCorrupt, false, SessionVerdict.Corrupt, true, false, true, null },
        { AccountStatus.SessionCorrupt, false, SessionVerdict.Missing, false, false, true, FindingKind.SessionMissing },
        { AccountStatus.SessionCorrupt, false, SessionVerdict.Valid, true, false, true, FindingKind.EngineReportedCorrupt },
        { AccountStatus.Stopped, true, SessionVerdict.Missing, true, false, true, FindingKind.LoginMissing },
        { AccountStatus.Stopped, true, SessionVerdict.Corrupt, true, false, true, null },
        { AccountStatus.AwaitingQrScan, false, SessionVerdict.Missing, false, false, true, null },
    };

    [Theory]
    [MemberData(nameof(AdviceTable))]
    public void The_advisor_recommends_clearing_reconnecting_or_scanning_consistently_with_the_findings(
        AccountStatus status, bool linked, SessionVerdict verdict, bool clear, bool reconnect, bool qr, FindingKind? stateFinding)
    {
        var account = State(status, linked, generation: status == AccountStatus.New ? 0 : 2);
        var session = Inspection(verdict);

        var diagnosis = SessionAdvisor.Diagnose(account, session, [], T0);

        Assert.Equal(new SessionRecommendations(clear, reconnect, qr), diagnosis.Recommendations);
        var own = diagnosis.Findings.Where(f => f.Kind is not (FindingKind.CredsUnreadable)).Select(f => (FindingKind?)f.Kind).SingleOrDefault();
        Assert.Equal(stateFinding, own);
        Assert.All(diagnosis.Findings, f => Assert.Equal(account.Id, f.AccountId));
        // Clearing is recommended exactly when a critical finding says so.
        Assert.Equal(clear, diagnosis.Findings.Any(f => f.Severity == FindingSeverity.Critical && f.Action == RepairAction.ClearSession));
    }

    [Fact]
    public void Maintenance_actions_are_shown_blocked_while_the_session_is_in_use_and_old_generations_are_listed()
    {
        var session = Inspection(SessionVerdict.Valid) with
        {
            Findings = [SessionFinding.Of(FindingKind.TrimmableCaches, "12 MB"), SessionFinding.Of(FindingKind.StaleLock, "SingletonLock")],
        };

        var connected = SessionAdvisor.Diagnose(State(AccountStatus.Connected), session, [new OldGeneration(1, new FolderStats(2048, 3, 0, null))], T0);
        Assert.All(connected.Findings.Where(f => f.Kind is FindingKind.TrimmableCaches or FindingKind.StaleLock), f => Assert.Contains("in use", f.BlockedBecause));
        var old = Assert.Single(connected.Findings, f => f.Kind == FindingKind.SupersededGeneration);
        Assert.Equal((1, RepairAction.QuarantineGeneration, (long?)2048, null as string), (old.Generation!.Value, old.Action, old.Bytes, old.BlockedBecause));
        Assert.Equal(FindingSeverity.Warning, connected.Findings[0].Severity);

        var stopped = SessionAdvisor.Diagnose(State(AccountStatus.Stopped), session, [], T0);
        Assert.All(stopped.Findings, f => Assert.Null(f.BlockedBecause));
    }

    private static SessionInspection Inspection(SessionVerdict verdict) => verdict switch
    {
        SessionVerdict.Missing => new SessionInspection { Folder = "/s/x/2", Exists = false, MaxSizeBytes = 1, MaxFileCount = 1 },
        SessionVerdict.Corrupt => new SessionInspection
        {
            Folder = "/s/x/2", Exists = true, FileCount = 3, MaxSizeBytes = 1000, MaxFileCount = 10,
            Findings = [SessionFinding.Of(FindingKind.CredsUnreadable, "cut off")],
        },
        _ => new SessionInspection { Folder = "/s/x/2", Exists = true, FileCount = 3, MaxSizeBytes = 1000, MaxFileCount = 10, LoginPresent = true },
    };
}
