using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

public sealed class SimulatorEngineTests : IDisposable
{
    private const string Account = "0123456789abcdef";
    private readonly TimerCountingTimeProvider _time = new();
    private readonly TempDirectory _dir = new("sim");
    private readonly SimulatorEngine _engine;
    private readonly SimulatorOptions _options = new();

    public SimulatorEngineTests() =>
        _engine = new SimulatorEngine(_time, Options.Create(_options), NullLogger<SimulatorEngine>.Instance);

    private string Folder(int generation = 1) => Path.Combine(_dir.Path, Account, generation.ToString());

    private Task StartAsync(LinkMode link, int generation = 1) =>
        _engine.StartSessionAsync(new SessionStartRequest(Account, generation, Folder(generation), link, "972501234567"), CancellationToken.None);

    private List<EngineEvent> Drain()
    {
        var events = new List<EngineEvent>();
        while (_engine.Events.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    private async Task<SessionConnected> LinkAsync(int generation = 1)
    {
        await StartAsync(LinkMode.Qr, generation);
        _time.Advance(_options.StartDelay);
        Assert.Null(_engine.Scan(Account));
        _time.Advance(_options.StartDelay);
        Assert.Equal("515", Assert.IsType<SessionDisconnected>(Drain().Last()).RawCode);
        await StartAsync(LinkMode.None, generation);
        _time.Advance(_options.StartDelay);
        return Assert.IsType<SessionConnected>(Assert.Single(Drain()));
    }

    [Fact]
    public async Task Qr_refs_follow_whatsapp_cadence_then_end_with_408()
    {
        var start = _time.GetUtcNow();
        await StartAsync(LinkMode.Qr);
        Assert.Empty(Drain());

        _time.Advance(_options.StartDelay);
        var first = Assert.IsType<QrIssued>(Assert.Single(Drain()));
        Assert.Equal((1, 6), (first.Index, first.Total));
        Assert.Equal(start + _options.StartDelay + TimeSpan.FromSeconds(60), first.ExpiresAt);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(Drain());
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.IsType<QrIssued>(Assert.Single(Drain()));
        Assert.Equal(2, second.Index);
        Assert.Equal(first.ExpiresAt + TimeSpan.FromSeconds(20), second.ExpiresAt);
        Assert.NotEqual(first.Value, second.Value);

        // One step per ref: each ref arms the next from its timer's callback, and FakeTimeProvider moves the clock to the
        // end of an Advance before it fires, so a chained timer due inside the same Advance would wait for the next one
        // (dotnet/extensions#5722).
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.Equal([3, 4, 5, 6], Drain().OfType<QrIssued>().Select(q => q.Index));

        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.Empty(Drain());
        _time.Advance(TimeSpan.FromSeconds(1));
        var end = Assert.IsType<SessionDisconnected>(Assert.Single(Drain()));
        Assert.Equal("408", end.RawCode);
        Assert.Equal("QR refs attempts ended", end.RawText);
        Assert.Equal(TimeSpan.FromSeconds(60 + 5 * 20) + _options.StartDelay, _time.GetUtcNow() - start);

        // Nothing more comes by itself: a new QR needs a new request.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(Drain());
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task Pairing_codes_use_the_baileys_alphabet_and_expire_after_three_minutes()
    {
        await StartAsync(LinkMode.PairingCode);
        _time.Advance(_options.StartDelay);
        var issued = Assert.IsType<PairingCodeIssued>(Assert.Single(Drain()));
        Assert.Equal(8, issued.Code.Length);
        Assert.All(issued.Code, c => Assert.Contains(c, PairingCodeGenerator.Alphabet));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(3), issued.ExpiresAt);

        _time.Advance(TimeSpan.FromMinutes(3));
        var expired = Assert.IsType<SessionDisconnected>(Assert.Single(Drain()));
        Assert.Equal("408", expired.RawCode);
    }

    [Fact]
    public void Pairing_codes_never_contain_ambiguous_characters()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => PairingCodeGenerator.New()).ToList();
        var used = codes.SelectMany(c => c).ToHashSet();
        Assert.DoesNotContain('0', used);
        Assert.DoesNotContain('O', used);
        Assert.DoesNotContain('I', used);
        Assert.DoesNotContain('U', used);
        Assert.True(used.Count > 28, "2000 codes should use nearly the whole 32-character alphabet");
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Fact]
    public async Task A_scan_writes_a_baileys_multi_file_folder_and_the_restart_connects_without_a_qr()
    {
        var connected = await LinkAsync();

        Assert.Equal("972501234567@s.whatsapp.net", connected.Jid);
        var files = Directory.GetFiles(Folder()).Select(Path.GetFileName).ToList();
        Assert.Contains("creds.json", files);
        Assert.Contains(files, f => f!.StartsWith("pre-key-", StringComparison.Ordinal));
        Assert.Contains(files, f => f!.StartsWith("session-", StringComparison.Ordinal));
        Assert.Contains(files, f => f!.StartsWith("app-state-sync-key-", StringComparison.Ordinal));
        Assert.Equal(BaileysAuthFolder.CredsState.Valid, BaileysAuthFolder.Read(Folder()).State);
        Assert.Equal(_options.PreKeyFiles, files.Count(f => f!.StartsWith("pre-key-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_restore_only_start_without_a_login_never_shows_a_qr()
    {
        await StartAsync(LinkMode.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        var events = Drain();
        Assert.IsType<NoValidSession>(Assert.Single(events));
        Assert.DoesNotContain(events, e => e is QrIssued or PairingCodeIssued);
    }

    [Fact]
    public async Task Scanning_with_nothing_to_scan_is_refused_with_a_reason()
    {
        Assert.Contains("no QR code", _engine.Scan(Account));
        await LinkAsync();
        Assert.Contains("no QR code", _engine.Scan(Account));
    }

    [Theory]
    [InlineData(SimulatorFaultKind.Drop, null, "428")]
    [InlineData(SimulatorFaultKind.Drop, "503", "503")]
    [InlineData(SimulatorFaultKind.Logout, null, "401")]
    [InlineData(SimulatorFaultKind.Replace, null, "440")]
    [InlineData(SimulatorFaultKind.Corrupt, null, "500")]
    public async Task Faults_close_a_live_session_with_the_engines_raw_code(SimulatorFaultKind kind, string? code, string expected)
    {
        await LinkAsync();
        Assert.Null(_engine.InjectFault(Account, new SimulatorFault(kind, code)));

        var dropped = Assert.IsType<SessionDisconnected>(Assert.Single(Drain()));
        Assert.Equal(expected, dropped.RawCode);
        Assert.Null(await _engine.GetSessionAsync(Account, CancellationToken.None));
    }

    [Fact]
    public async Task A_logged_out_device_is_refused_on_the_next_start_and_corrupt_creds_fail_with_500()
    {
        await LinkAsync();
        _engine.InjectFault(Account, new SimulatorFault(SimulatorFaultKind.Logout));
        Drain();
        await StartAsync(LinkMode.None);
        _time.Advance(_options.StartDelay);
        Assert.Equal("401", Assert.IsType<SessionDisconnected>(Assert.Single(Drain())).RawCode);

        await LinkAsync(generation: 2);
        Assert.Null(_engine.InjectFault(Account, new SimulatorFault(SimulatorFaultKind.Corrupt)));
        Drain();
        Assert.Equal(BaileysAuthFolder.CredsState.Unreadable, BaileysAuthFolder.Read(Folder(2)).State);
        await StartAsync(LinkMode.None, generation: 2);
        _time.Advance(_options.StartDelay);
        Assert.Equal("500", Assert.IsType<SessionDisconnected>(Assert.Single(Drain())).RawCode);
    }

    [Fact]
    public async Task A_ban_holds_until_it_expires()
    {
        await LinkAsync();
        var until = _time.GetUtcNow().AddHours(1);
        _engine.InjectFault(Account, new SimulatorFault(SimulatorFaultKind.Ban, Until: until));
        Assert.Equal(until, Assert.IsType<TemporaryBanned>(Assert.Single(Drain())).Until);

        await StartAsync(LinkMode.None);
        _time.Advance(_options.StartDelay);
        Assert.IsType<TemporaryBanned>(Assert.Single(Drain()));

        _time.Advance(TimeSpan.FromHours(1));
        await StartAsync(LinkMode.None);
        _time.Advance(_options.StartDelay);
        Assert.IsType<SessionConnected>(Assert.Single(Drain()));
    }

    [Fact]
    public async Task A_slow_start_answers_only_after_its_delay()
    {
        await LinkAsync();
        await _engine.StopSessionAsync(Account, CancellationToken.None);
        _engine.InjectFault(Account, new SimulatorFault(SimulatorFaultKind.SlowStart, Delay: TimeSpan.FromSeconds(50)));
        await StartAsync(LinkMode.None);

        _time.Advance(TimeSpan.FromSeconds(49));
        Assert.Empty(Drain());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<SessionConnected>(Assert.Single(Drain()));
    }

    [Fact]
    public async Task Sends_reach_the_phone_only_while_connected()
    {
        var refused = await _engine.SendTextAsync(Account, "972500000000", "hi", CancellationToken.None);
        Assert.False(refused.Accepted);
        Assert.True(refused.NotConnected);
        Assert.Equal(1, _engine.RefusedSends);

        await LinkAsync();
        var sent = await _engine.SendTextAsync(Account, "972500000000", "hello", CancellationToken.None);
        Assert.True(sent.Accepted);
        Assert.Equal("hello", Assert.Single(_engine.ReceivedMessages(Account)).Text);
    }

    [Fact]
    public async Task Rejected_sends_deliver_nothing_for_the_given_count_then_sending_works_again()
    {
        await LinkAsync();
        Assert.True(SimulatorFault.TryParseKind("reject-sends", out var kind));
        Assert.Null(_engine.InjectFault(Account, new SimulatorFault(kind, Code: "463", Text: "rate-overlimit", Count: 2)));

        var first = await _engine.SendTextAsync(Account, "972500000001", "one", CancellationToken.None);
        var second = await _engine.SendTextAsync(Account, "972500000001", "one", CancellationToken.None);
        var third = await _engine.SendTextAsync(Account, "972500000001", "one", CancellationToken.None);

        Assert.Equal((false, false, "463: rate-overlimit"), (first.Accepted, first.NotConnected, first.Error));
        Assert.False(second.Accepted);
        Assert.True(third.Accepted);
        Assert.Single(_engine.ReceivedMessages(Account));
        Assert.Equal(0, _engine.RefusedSends);
    }

    [Fact]
    public async Task A_send_timeout_delivers_the_message_but_the_caller_only_gets_an_exception_and_the_log_keeps_it()
    {
        _options.ReceivedLog = Path.Combine(_dir.Path, "simulator", "received.jsonl");
        await LinkAsync();
        Assert.True(SimulatorFault.TryParseKind("send-timeout", out var kind));
        Assert.Null(_engine.InjectFault(Account, new SimulatorFault(kind)));

        await Assert.ThrowsAsync<TimeoutException>(() => _engine.SendTextAsync(Account, "972500000001", "maybe", CancellationToken.None));
        var after = await _engine.SendTextAsync(Account, "972500000001", "surely", CancellationToken.None);

        Assert.Equal(["maybe", "surely"], _engine.ReceivedMessages(Account).Select(m => m.Text));
        var lines = File.ReadAllLines(_options.ReceivedLog).Select(l => System.Text.Json.JsonSerializer.Deserialize<ReceivedLogLine>(l)!).ToList();
        Assert.Equal(["maybe", "surely"], lines.Select(l => l.Text));
        Assert.Equal(after.MessageId, lines[1].MessageId);
        Assert.All(lines, l => Assert.Equal((Account, "972500000001"), (l.AccountId, l.To)));
    }

    public void Dispose()
    {
        _engine.Dispose();
        _dir.Dispose();
    }
}
