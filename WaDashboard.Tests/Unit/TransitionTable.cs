using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Unit;

/// <summary>The account the transition tables start from, and the pure transition applied at a fixed moment.</summary>
public static class TransitionTable
{
    public const string AccountId = "0123456789abcdef";

    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The product's reconnect policy as shipped.</summary>
    public static readonly ReconnectOptions Options = new();

    /// <summary>An account created a day before <see cref="T0"/>, in <paramref name="status"/> for five minutes.</summary>
    public static AccountState Account(AccountStatus status, bool linked, int generation) => new()
    {
        Id = AccountId,
        Name = "Clinic",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = T0.AddDays(-1),
        StatusSince = T0.AddMinutes(-5),
        Status = status,
        SessionLinked = linked,
        Generation = generation,
        StartToken = 7,
    };

    /// <summary>The transition at <paramref name="now"/> (<see cref="T0"/> when null) with the shipped policy.</summary>
    public static Transition Apply(AccountState state, SupervisorInput input, double jitter = 0.5, DateTimeOffset? now = null) =>
        SessionTransitions.Apply(state, input, new TransitionContext(now ?? T0, Options, jitter));
}
