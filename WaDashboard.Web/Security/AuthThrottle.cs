using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

/// <summary>
/// Makes guessing expensive. Each client (remote address) has a budget of failed authentications (a token bucket:
/// <see cref="SecurityOptions.AuthFailureBurst"/>, one more every <see cref="SecurityOptions.AuthFailureRefill"/>); a
/// wrong API key or password spends one. With the budget spent, ASP.NET Core's rate limiter answers every request of
/// that client that carries credentials (an X-Api-Key, a sign-in or setup form) 429 with Retry-After, before the
/// credentials are looked at. Successful calls spend nothing, so a busy automation with a valid key is never throttled.
/// Separately, <see cref="SecurityOptions.MaxFailedSignIns"/> wrong passwords for one account from one client stop that
/// client (only) from trying that account for <see cref="SecurityOptions.LockoutDuration"/>: nobody can lock an admin out.
/// </summary>
public sealed class AuthThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly PartitionedRateLimiter<string> _accountFailures;
    private readonly ILogger<AuthThrottle> _logger;
    private readonly TimeSpan _refill;

    public AuthThrottle(IOptions<SecurityOptions> options, ILogger<AuthThrottle> logger)
    {
        var security = options.Value;
        _logger = logger;
        _refill = security.AuthFailureRefill;
        _failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = security.AuthFailureBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = security.AuthFailureRefill,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        _accountFailures = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = security.MaxFailedSignIns,
            Window = security.LockoutDuration,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Requests that present credentials: the ones a guesser sends.</summary>
    public static bool CarriesCredentials(HttpContext context) =>
        context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
        || (HttpMethods.IsPost(context.Request.Method)
            && (context.Request.Path.StartsWithSegments("/account/login") || context.Request.Path.StartsWithSegments("/account/setup")));

    /// <summary>When this client has no failures left: how long until it has one again.</summary>
    public TimeSpan? Blocked(string client) =>
        // A token bucket refills by fractions: blocked while less than one whole failure is left, for at most one refill period.
        _failures.GetStatistics(client) is { CurrentAvailablePermits: < 1 } ? _refill : null;

    /// <summary>A wrong key or password from this client.</summary>
    public void Failed(string client)
    {
        using var lease = _failures.AttemptAcquire(client);
        if (lease.IsAcquired && Blocked(client) is not null)
        {
            // Logged once per spent budget: the next failure from this client is answered 429 without a log line.
            _logger.LogWarning("Client {ClientIp} spent its budget of failed authentications; its credentialed requests are answered 429 for a while", client);
        }
    }

    /// <summary>When this client may not try this account now: how long until it may.</summary>
    public TimeSpan? AccountBlocked(string client, string account) => Check(_accountFailures, AccountKey(client, account));

    public void SignInFailed(string client, string account)
    {
        Failed(client);
        using var lease = _accountFailures.AttemptAcquire(AccountKey(client, account));
    }

    private static string AccountKey(string client, string account) => client + "\n" + account.Trim().ToUpperInvariant();

    private static TimeSpan? Check(PartitionedRateLimiter<string> limiter, string key)
    {
        // Zero permits: asks whether any are left without spending one (exact for a fixed window).
        using var lease = limiter.AttemptAcquire(key, permitCount: 0);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    /// <summary>The global limiter of ASP.NET Core's rate limiter: credentialed requests of a client whose budget is spent.</summary>
    internal PartitionedRateLimiter<HttpContext> CredentialedRequests() =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => CarriesCredentials(context)
            ? RateLimitPartition.Get(ClientOf(context), client => new BudgetGate(this, client))
            : RateLimitPartition.GetNoLimiter("none"));

    internal static ValueTask OnRejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(30);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(new
        {
            title = "Too many failed attempts",
            status = 429,
            detail = $"Too many wrong keys or passwords from this address. Try again in {seconds} s.",
        }, cancellationToken));
    }

    public void Dispose()
    {
        _failures.Dispose();
        _accountFailures.Dispose();
    }

    /// <summary>Admits a request while its client has failures left; spends nothing itself.</summary>
    private sealed class BudgetGate(AuthThrottle throttle, string client) : RateLimiter
    {
        public override TimeSpan? IdleDuration => TimeSpan.Zero;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
            throttle.Blocked(client) is { } wait ? new Refused(wait) : Admitted.Instance;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    private sealed class Admitted : RateLimitLease
    {
        public static readonly Admitted Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class Refused(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
