using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Workers;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// Every account's supervisor, and the one entry point the UI and the API use: read the live states, add and
/// remove accounts, send commands. Engine events and deadlines are routed here to the account's supervisor.
/// </summary>
public sealed class Fleet
{
    public const int MaxNameLength = 200;

    private readonly ConcurrentDictionary<string, AccountSupervisor> _supervisors = new();
    private readonly ConcurrentDictionary<string, string> _idsByPhone = new();
    private readonly SemaphoreSlim _membership = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SupervisorServices _services;
    private readonly ILogger<Fleet> _logger;

    // Oldest first; replaced (never changed in place) when an account is added or removed.
    private AccountSupervisor[] _ordered = [];

    // Bumped by every change of any account; a snapshot is reused until the next one.
    private long _version;
    private Snapshot? _snapshot;

    private sealed record Snapshot(long Version, IReadOnlyList<AccountState> Accounts);

    private static readonly IComparer<AccountSupervisor> Oldest = Comparer<AccountSupervisor>.Create((a, b) =>
    {
        var byTime = a.State.CreatedAt.CompareTo(b.State.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.AccountId, b.AccountId);
    });

    public Fleet(
        IWhatsAppEngine engine,
        Engines.Workers.WorkerRouter workers,
        IAccountStore store,
        FleetEvents events,
        DeadlineScheduler deadlines,
        ConnectGate gate,
        SessionFolders folders,
        SessionRepairs repairs,
        TimeProvider time,
        IOptions<ReconnectOptions> reconnect,
        IOptions<SupervisionOptions> supervision,
        ILogger<Fleet> logger,
        Telemetry.WaDashboardMetrics? metrics = null)
    {
        _logger = logger;
        _services = new SupervisorServices(engine, workers, store, events, deadlines, gate, folders, repairs, time, reconnect.Value, supervision.Value, logger, metrics);
        events.Subscribe(e =>
        {
            if (e is AccountChanged or AccountRemoved)
            {
                Interlocked.Increment(ref _version);
            }
        });
    }

    public IWhatsAppEngine Engine => _services.Engine;

    public int Count => _supervisors.Count;

    /// <summary>
    /// A snapshot of every account, oldest first. Taken once per change of the fleet and shared by every caller until
    /// the next change, so many open pages reading it cost one copy, not one sort each.
    /// </summary>
    public IReadOnlyList<AccountState> Accounts
    {
        get
        {
            var version = Interlocked.Read(ref _version);
            if (Volatile.Read(ref _snapshot) is { } cached && cached.Version == version)
            {
                return cached.Accounts;
            }

            var ordered = Volatile.Read(ref _ordered);
            var states = new AccountState[ordered.Length];
            for (var i = 0; i < ordered.Length; i++)
            {
                states[i] = ordered[i].State;
            }

            // A change racing with this copy bumps the version after it, so the next caller copies again.
            Volatile.Write(ref _snapshot, new Snapshot(version, states));
            return states;
        }
    }

    public AccountState? Get(string accountId) => _supervisors.TryGetValue(accountId, out var s) ? s.State : null;

    /// <summary>Every account with when its current engine start was issued (null while none is).</summary>
    internal IEnumerable<(AccountState State, (DateTimeOffset At, long Token)? LastStart)> Supervision =>
        _supervisors.Values.Select(s => (s.State, s.LastStart));

    /// <summary>Finds an account by id or by phone number in any accepted notation.</summary>
    public AccountState? Find(string idOrPhone)
    {
        if (AccountId.IsValid(idOrPhone) && Get(idOrPhone) is { } byId)
        {
            return byId;
        }

        return PhoneNumber.TryParse(idOrPhone, out var phone, out _) && _idsByPhone.TryGetValue(phone.Value, out var id) ? Get(id) : null;
    }

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string accountId, int take, CancellationToken cancellationToken) =>
        _services.Store.GetTimelineAsync(accountId, take, cancellationToken);

    /// <summary>Loads every account and asks each to restore: linked sessions reconnect without a QR.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var accounts = await _services.Store.LoadAllAsync(cancellationToken);
        foreach (var account in accounts)
        {
            Register(account, ordered: false);
        }

        Reorder();

        _logger.LogInformation("Supervising {Count} accounts", accounts.Count);
        foreach (var supervisor in _supervisors.Values)
        {
            await supervisor.PostAsync(new RestoreCommand(), cancellationToken);
        }
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_supervisors.Values.Select(s => s.StopAsync()));
    }

    public WorkerRouter Workers => _services.Workers;

    /// <summary>Every worker with the accounts placed on it and whether it answers, for placement and the Gateways page.</summary>
    public IReadOnlyList<WorkerLoad> WorkerLoads()
    {
        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var account in Accounts)
        {
            used[account.WorkerId] = used.GetValueOrDefault(account.WorkerId) + 1;
        }

        return _services.Workers.Workers
            .Select(w => new WorkerLoad(w.Id, w.IsRemote, w.Capacity, used.GetValueOrDefault(w.Id), w.Gateway?.Contact.State != Engines.Gateways.GatewayReachability.BreakerOpen))
            .ToList();
    }

    /// <summary>
    /// Moves an account to another worker. Its session there is new: the old one is removed and the account must be
    /// linked again (a login cannot move between servers).
    /// </summary>
    public async Task<CommandResult> MoveAsync(string accountId, string? workerId, CancellationToken cancellationToken)
    {
        if (Get(accountId) is not { } account)
        {
            return new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.NoSuchAccount"));
        }

        if (string.IsNullOrWhiteSpace(workerId))
        {
            return new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.NameServer"));
        }

        if (string.Equals(workerId.Trim(), account.WorkerId, StringComparison.OrdinalIgnoreCase))
        {
            return new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.AlreadyOn", account.WorkerId));
        }

        var placement = WorkerPlacement.Choose(WorkerLoads(), workerId);
        return placement.Placed
            ? await SendAsync(accountId, new MoveToWorkerCommand(placement.WorkerId!), cancellationToken)
            : new CommandResult(CommandOutcome.Refused, placement.Error!);
    }

    public Task<AccountState> AddAsync(string? name, string? phoneInput, CancellationToken cancellationToken) =>
        AddAsync(name, phoneInput, workerId: null, cancellationToken);

    /// <summary>Adds an account on the requested worker, or where placement finds the most free capacity.</summary>
    public async Task<AccountState> AddAsync(string? name, string? phoneInput, string? workerId, CancellationToken cancellationToken)
    {
        var trimmedName = name?.Trim() ?? "";
        if (trimmedName.Length == 0)
        {
            throw new AccountValidationException("name", "A name is required, e.g. \"Clinic reception\".");
        }

        if (trimmedName.Length > MaxNameLength)
        {
            throw new AccountValidationException("name", $"The name is {trimmedName.Length} characters long; at most {MaxNameLength} are allowed.");
        }

        if (DisplayText.Problem(trimmedName) is { } unsafeName)
        {
            throw new AccountValidationException("name", unsafeName);
        }

        if (!PhoneNumber.TryParse(phoneInput, out var phone, out var error))
        {
            throw new AccountValidationException("phone", error);
        }

        await _membership.WaitAsync(cancellationToken);
        try
        {
            if (_idsByPhone.ContainsKey(phone.Value))
            {
                throw new DuplicatePhoneException(phone.Value);
            }

            var placement = WorkerPlacement.Choose(WorkerLoads(), workerId);
            if (!placement.Placed)
            {
                throw new AccountValidationException("worker_id", placement.Error!);
            }

            var now = _services.Time.GetUtcNow();
            var account = new AccountState
            {
                Id = AccountId.New(),
                WorkerId = placement.WorkerId!,
                Name = trimmedName,
                Phone = phone,
                CreatedAt = now,
                StatusSince = now,
                Note = SessionNotes.Say("Note.Added"),
            };
            await _services.Store.AddAsync(account, new TimelineEntry(now, AccountStatus.New, AccountStatus.New, null, null, null, SessionNotes.Say("Note.AccountAdded"), null), cancellationToken);
            Register(account);
            _logger.LogInformation("Account {AccountId} ({Phone}) added", account.Id, phone.Masked);
            _services.Events.Publish(new AccountChanged(account));
            return account;
        }
        finally
        {
            _membership.Release();
        }
    }

    public async Task<bool> DeleteAsync(string accountId, CancellationToken cancellationToken)
    {
        await _membership.WaitAsync(cancellationToken);
        try
        {
            if (!_supervisors.TryRemove(accountId, out var supervisor))
            {
                return false;
            }

            _idsByPhone.TryRemove(supervisor.State.Phone.Value, out _);
            Volatile.Write(ref _ordered, Array.FindAll(_ordered, s => !ReferenceEquals(s, supervisor)));
            Interlocked.Increment(ref _version);
            _services.Gate.FleetSize = _supervisors.Count;
            await supervisor.StopAsync();
            try
            {
                await _services.Workers.RemoveSessionAsync(supervisor.State.WorkerId, accountId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Could not remove the session of {AccountId} from {WorkerId}; the account is removed anyway", accountId, supervisor.State.WorkerId);
            }

            await _services.Store.DeleteAsync(accountId, cancellationToken);
            _services.Folders.DeleteAccount(accountId);
            _logger.LogInformation("Account {AccountId} ({Phone}) removed", accountId, supervisor.State.Phone.Masked);
            _services.Events.Publish(new AccountRemoved(accountId));
            return true;
        }
        finally
        {
            _membership.Release();
        }
    }

    public Task<CommandResult> SendAsync(string accountId, SessionCommand command, CancellationToken cancellationToken) =>
        _supervisors.TryGetValue(accountId, out var supervisor)
            ? supervisor.SendAsync(command, cancellationToken)
            : Task.FromResult(new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.NoSuchAccount")));

    /// <summary>Bulk reconnect: the same command per account, all at once; returns each account's outcome.</summary>
    public async Task<IReadOnlyDictionary<string, CommandResult>> ReconnectManyAsync(IEnumerable<string> accountIds, CancellationToken cancellationToken)
    {
        var ids = accountIds.Distinct(StringComparer.Ordinal).ToList();
        var results = await Task.WhenAll(ids.Select(id => SendAsync(id, new ReconnectCommand(), cancellationToken)));
        return ids.Zip(results).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    public ValueTask DeliverAsync(EngineEvent engineEvent, CancellationToken cancellationToken)
    {
        if (engineEvent is MessageAcknowledged ack)
        {
            // About a message, not the session: the outbox takes it.
            _services.Events.Publish(new MessageAckObserved(ack));
            return ValueTask.CompletedTask;
        }

        return PostAsync(engineEvent.AccountId, new EngineEventInput(engineEvent), cancellationToken);
    }

    public ValueTask PostAsync(string accountId, SupervisorInput input, CancellationToken cancellationToken) =>
        _supervisors.TryGetValue(accountId, out var supervisor) ? supervisor.PostAsync(input, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Waits until the account's state satisfies <paramref name="predicate"/>, or the timeout passes (then returns the latest state).</summary>
    public async Task<AccountState?> WaitForAsync(string accountId, Func<AccountState, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reached = new TaskCompletionSource<AccountState>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _services.Events.Subscribe(e =>
        {
            if (e is AccountChanged changed && changed.State.Id == accountId && predicate(changed.State))
            {
                reached.TrySetResult(changed.State);
            }
        });
        if (Get(accountId) is not { } current)
        {
            return null;
        }

        if (predicate(current))
        {
            return current;
        }

        try
        {
            return await reached.Task.WaitAsync(timeout, _services.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Get(accountId);
        }
    }

    /// <param name="ordered">Insert it in order now; false when many are registered at once and <see cref="Reorder"/> follows.</param>
    private void Register(AccountState account, bool ordered = true)
    {
        var supervisor = new AccountSupervisor(account, _services, _stopping.Token);
        _supervisors[account.Id] = supervisor;
        _idsByPhone[account.Phone.Value] = account.Id;
        if (ordered)
        {
            // A new account is usually the newest: the search lands at the end and the copy is one array's length.
            var current = _ordered;
            var at = Array.BinarySearch(current, supervisor, Oldest);
            at = at < 0 ? ~at : at;
            var next = new AccountSupervisor[current.Length + 1];
            Array.Copy(current, next, at);
            next[at] = supervisor;
            Array.Copy(current, at, next, at + 1, current.Length - at);
            Volatile.Write(ref _ordered, next);
            Interlocked.Increment(ref _version);
        }

        _services.Gate.FleetSize = _supervisors.Count;
    }

    private void Reorder()
    {
        var all = _supervisors.Values.ToArray();
        Array.Sort(all, Oldest);
        Volatile.Write(ref _ordered, all);
        Interlocked.Increment(ref _version);
    }
}
