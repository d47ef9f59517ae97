using WaDashboard.Core.Engines;

namespace WaDashboard.Core.Sessions;

/// <summary>Side effects a transition asks the supervisor to carry out, in order.</summary>
public abstract record SessionEffect;

public sealed record StartEngine(int Generation, LinkMode Link, long StartToken) : SessionEffect;

public sealed record StopEngine : SessionEffect;

public sealed record LogoutEngine : SessionEffect;

/// <summary>Only ever emitted for an explicit logout or relink request, never for a connection failure.</summary>
public sealed record DeleteGenerationFolder(int Generation) : SessionEffect;

public sealed record ScheduleDeadline(DeadlineKind Kind, DateTimeOffset At, long Token) : SessionEffect;

public sealed record RaiseAlert(string Message) : SessionEffect;
