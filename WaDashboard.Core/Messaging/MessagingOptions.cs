using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Messaging;

/// <summary>
/// Bound from "Messaging". The defaults follow what WhatsApp gateways recommend for sending without getting numbers
/// flagged: a random 30–60 s between messages of one account, at most 4 messages per recipient per hour, and a slow
/// start after every (re)connect.
/// </summary>
public sealed class MessagingOptions : IValidatableObject
{
    public const string Section = "Messaging";

    /// <summary>Shortest gap between two sends of one account; each gap is drawn at random between this and <see cref="MaxSpacing"/>.</summary>
    public TimeSpan MinSpacing { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxSpacing { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many sends to one recipient from one account inside <see cref="PerRecipientWindow"/>.</summary>
    [Range(1, 100_000)]
    public int PerRecipientLimit { get; set; } = 4;

    public TimeSpan PerRecipientWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After every (re)connect, nothing is sent for this long.</summary>
    public TimeSpan RampDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After every (re)connect, gaps are stretched for this long: by <see cref="RampFactor"/> at first, easing to ×1.</summary>
    public TimeSpan RampDuration { get; set; } = TimeSpan.FromMinutes(10);

    [Range(1.0, 100.0)]
    public double RampFactor { get; set; } = 3;

    /// <summary>Sends refused by the engine are retried until this many attempts, then the message fails.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Retry delay after the first refusal; doubles per attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A send the engine has not answered by then is Unknown (it may have gone out).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A message not sent this long after it was due fails as expired (a late reminder does harm). Zero: never.</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Fleet-wide sends in flight at once (each account has at most one).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentSends { get; set; } = 16;

    /// <summary>How often the one dispatcher loop looks for messages that may go out.</summary>
    public TimeSpan DispatchTick { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(1, 65_536)]
    public int MaxTextLength { get; set; } = 4096;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinSpacing < TimeSpan.Zero)
        {
            yield return new ValidationResult("Messaging:MinSpacing cannot be negative.", [nameof(MinSpacing)]);
        }

        if (MaxSpacing < MinSpacing)
        {
            yield return new ValidationResult("Messaging:MaxSpacing must be at least Messaging:MinSpacing.", [nameof(MaxSpacing)]);
        }

        if (PerRecipientWindow <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Messaging:PerRecipientWindow must be positive.", [nameof(PerRecipientWindow)]);
        }

        if (RampDelay < TimeSpan.Zero || RampDuration < TimeSpan.Zero)
        {
            yield return new ValidationResult("Messaging:RampDelay and Messaging:RampDuration cannot be negative.", [nameof(RampDelay), nameof(RampDuration)]);
        }

        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Messaging:RetryBaseDelay must be positive and Messaging:RetryMaxDelay at least as long.", [nameof(RetryBaseDelay), nameof(RetryMaxDelay)]);
        }

        if (SendTimeout <= TimeSpan.Zero || DispatchTick <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Messaging:SendTimeout and Messaging:DispatchTick must be positive.", [nameof(SendTimeout), nameof(DispatchTick)]);
        }

        if (ExpireAfter < TimeSpan.Zero)
        {
            yield return new ValidationResult("Messaging:ExpireAfter cannot be negative (0 means never).", [nameof(ExpireAfter)]);
        }
    }
}
