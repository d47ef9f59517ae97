using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;

namespace WaDashboard.Core.Telemetry;

/// <summary>
/// The dashboard's own instruments (meter <see cref="MeterName"/>): what happens to accounts, links, reconnects, the
/// outbox, webhooks and the database. Label values are bounded sets (reasons, outcomes, states, server ids); phone
/// numbers and account ids never become labels. The fleet-wide levels (accounts by state, queue depth, findings) are
/// observed by <see cref="FleetGauges"/> on the same meter.
/// </summary>
public sealed class WaDashboardMetrics
{
    public const string MeterName = "WaDashboard";

    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _reconnectAttempts;
    private readonly Counter<long> _reconnectsStarted;
    private readonly Counter<long> _loopBreakerTrips;
    private readonly Counter<long> _codesShown;
    private readonly Counter<long> _linksCompleted;
    private readonly Histogram<double> _timeToReconnect;
    private readonly Counter<long> _webhooksRefused;
    private readonly Histogram<double> _databaseWrite;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _downSince = new(StringComparer.Ordinal);
    private long _delivered;
    private long _read;
    private int _lastWriteFailed;

    public WaDashboardMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _disconnects = Meter.CreateCounter<long>("wadashboard.disconnects", "{disconnect}",
            "Disconnects seen, by normalized reason and the engine's raw code.");
        _reconnectsStarted = Meter.CreateCounter<long>("wadashboard.reconnect.started", "{attempt}",
            "Automatic reconnect attempts started by the reconnect policy.");
        _reconnectAttempts = Meter.CreateCounter<long>("wadashboard.reconnect.attempts", "{attempt}",
            "Automatic reconnect attempts that ended, by outcome (connected, failed, gave_up, needs_person, stopped).");
        _loopBreakerTrips = Meter.CreateCounter<long>("wadashboard.loop_breaker.trips", "{trip}",
            "Times the loop breaker paused an account's automatic reconnects.");
        _codesShown = Meter.CreateCounter<long>("wadashboard.link.codes_shown", "{code}",
            "QR codes and pairing codes shown to a person, by kind (qr, pairing_code).");
        _linksCompleted = Meter.CreateCounter<long>("wadashboard.link.completed", "{link}",
            "Phones that completed a link (scanned the QR or entered the pairing code).");
        _timeToReconnect = Meter.CreateHistogram<double>("wadashboard.reconnect.duration", "s",
            "Time from an account's disconnect to its next connection.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 14400, 86400] });
        _webhooksRefused = Meter.CreateCounter<long>("wadashboard.webhooks.refused", "{webhook}",
            "Engine webhooks refused before they were read, by cause.");
        _databaseWrite = Meter.CreateHistogram<double>("wadashboard.database.write.duration", "s",
            "How long a change waits until the database has committed it, by store and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    public Meter Meter { get; }

    /// <summary>Message acknowledgements: delivered to the device, and read (or played).</summary>
    public (long Delivered, long Read) Acknowledgements => (Interlocked.Read(ref _delivered), Interlocked.Read(ref _read));

    /// <summary>False after a write the database refused, until the next one it commits.</summary>
    public bool DatabaseWritable => Volatile.Read(ref _lastWriteFailed) == 0;

    /// <summary>Records what one change of an account means (see <see cref="TransitionSignals"/>).</summary>
    public void Transitioned(AccountState previous, AccountState next, TransitionSignals signals, DateTimeOffset now)
    {
        if (signals.Disconnect is { } reason)
        {
            _disconnects.Add(1, new("reason", reason.ToString()), new("raw_code", signals.RawCode ?? "none"));
            if (previous.Status == AccountStatus.Connected)
            {
                _downSince.TryAdd(next.Id, now);
            }
        }

        if (signals.ReconnectAttemptStarted)
        {
            _reconnectsStarted.Add(1);
        }

        if (signals.ReconnectOutcome is { } outcome)
        {
            _reconnectAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }

        if (signals.LoopBreakerTripped)
        {
            _loopBreakerTrips.Add(1);
        }

        if (signals.CodeShown is { } kind)
        {
            _codesShown.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }

        if (signals.LinkCompleted)
        {
            _linksCompleted.Add(1);
        }

        if (signals.Reconnected && _downSince.TryRemove(next.Id, out var since))
        {
            _timeToReconnect.Record(Math.Max(0, (now - since).TotalSeconds));
        }
        else if (next.Status is AccountStatus.Stopped or AccountStatus.LoggedOut or AccountStatus.Replaced or AccountStatus.Banned
                 or AccountStatus.SessionCorrupt or AccountStatus.GaveUp or AccountStatus.New)
        {
            // Down until a person acts: a later connection is a relink, not a reconnect.
            _downSince.TryRemove(next.Id, out _);
        }
    }

    /// <summary>An engine event that is not a change of state: message acknowledgements.</summary>
    public void EngineEvent(EngineEvent engineEvent)
    {
        if (engineEvent is MessageAcknowledged ack)
        {
            switch (ack.Ack.ToUpperInvariant())
            {
                case "DEVICE":
                    Interlocked.Increment(ref _delivered);
                    break;
                case "READ" or "PLAYED":
                    Interlocked.Increment(ref _read);
                    break;
            }
        }
    }

    public void AccountRemoved(string accountId) => _downSince.TryRemove(accountId, out _);

    public void WebhookRefused(string cause) => _webhooksRefused.Add(1, new KeyValuePair<string, object?>("cause", cause));

    /// <summary>Times a database write and records its outcome; the write's exception goes on to the caller.</summary>
    public async Task TimeWriteAsync(string store, Func<Task> write)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            await write();
            outcome = "committed";
            Volatile.Write(ref _lastWriteFailed, 0);
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        catch
        {
            Volatile.Write(ref _lastWriteFailed, 1);
            throw;
        }
        finally
        {
            _databaseWrite.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new("store", store), new("outcome", outcome));
        }
    }
}
