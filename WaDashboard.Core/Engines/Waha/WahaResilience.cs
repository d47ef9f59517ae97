using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>How long WAHA may legitimately hold a call, which decides its timeout and whether it is retried.</summary>
public enum WahaCallKind
{
    /// <summary>A read WAHA answers at once (<c>GET /api/sessions</c>, <c>GET /api/sessions/{name}</c>): short timeout, retried.</summary>
    Read,

    /// <summary>Creating, updating, starting, stopping, logging out or deleting a session: never retried.</summary>
    Control,

    /// <summary>
    /// A call WAHA holds while it waits for the session (QR, pairing code, <c>/me</c>, <c>sendText</c>): up to 5 s for the
    /// session to run, then up to 10 s for the expected status, before its 422 (<c>waitUntilStatus</c> in
    /// <c>src/core/abc/manager.abc.ts</c>). Its timeout must be longer than those 15 s; never retried.
    /// </summary>
    Waiting,
}

/// <summary>An answer from WAHA (any HTTP status): the body is read, the connection released.</summary>
internal sealed record WahaAnswer(HttpStatusCode Status, string Body)
{
    public bool IsServerError => (int)Status >= 500;
}

/// <summary>
/// One server's resilience pipeline (Polly): retry (reads only) → circuit breaker → timeout per <see cref="WahaCallKind"/>.
/// The breaker counts only what says the server is in trouble: no connection, no answer in time, or a 5xx. Every other
/// answer, a 4xx included (WAHA's 422 "status is not as expected" is an answer about one session), is a success for it.
/// </summary>
internal static class WahaResilience
{
    public static readonly ResiliencePropertyKey<WahaCallKind> Kind = new("waha.kind");

    /// <summary>What the breaker and the retry treat as a failure of the server.</summary>
    public static bool IsServerFailure(Outcome<WahaAnswer> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException || outcome.Result is { IsServerError: true };

    public static TimeSpan TimeoutFor(WahaCallKind kind, GatewayOptions options) => kind switch
    {
        WahaCallKind.Read => options.RequestTimeout,
        WahaCallKind.Control => options.ControlTimeout,
        _ => options.WaitingCallTimeout,
    };

    public static ResiliencePipeline<WahaAnswer> Build(
        GatewayOptions options,
        TimeProvider time,
        CircuitBreakerStateProvider state,
        Action<bool> onJudged,
        Action<TimeSpan> onOpened,
        Func<int, TimeSpan> retryDelay)
    {
        var builder = new ResiliencePipelineBuilder<WahaAnswer> { TimeProvider = time };
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<WahaAnswer>
            {
                MaxRetryAttempts = options.Retries,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(Kind, WahaCallKind.Control) == WahaCallKind.Read
                    && args.Outcome.Exception is not BrokenCircuitException
                    && IsServerFailure(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(retryDelay(args.AttemptNumber + 1)),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<WahaAnswer>
        {
            // "N failures in a row": every call in the window failed, and at least N of them.
            FailureRatio = 1.0,
            MinimumThroughput = Math.Max(2, options.BreakerThreshold),
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerOpenFor,
            StateProvider = state,
            ShouldHandle = args =>
            {
                var failed = IsServerFailure(args.Outcome);
                onJudged(failed);
                return ValueTask.FromResult(failed);
            },
            OnOpened = args =>
            {
                onOpened(args.BreakDuration);
                return ValueTask.CompletedTask;
            },
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(TimeoutFor(args.Context.Properties.GetValue(Kind, WahaCallKind.Control), options)),
        });

        return builder.Build();
    }
}
