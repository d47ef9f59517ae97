using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Core.Messaging;

/// <summary>An outbox row. Times are stored as UTC ticks like every other table.</summary>
public sealed class OutboxMessageRecord : IAccountOwnedRecord
{
    public long Id { get; set; }
    public string AccountId { get; set; } = "";
    public string Recipient { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset? NotBefore { get; set; }
    public string? IdempotencyKey { get; set; }
    public string Status { get; set; } = "";
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? EngineMessageId { get; set; }
    public string? Error { get; set; }
}

internal sealed class OutboxMessageRecordConfiguration : IEntityTypeConfiguration<OutboxMessageRecord>, IWaDashboardEntityConfiguration
{
    public void Configure(EntityTypeBuilder<OutboxMessageRecord> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.AccountId).HasMaxLength(32).IsRequired();
        builder.Property(m => m.Recipient).HasMaxLength(16).IsRequired();
        builder.Property(m => m.Text).IsRequired();
        builder.Property(m => m.IdempotencyKey).HasMaxLength(OutboxModel.KeyMaxLength);
        builder.Property(m => m.Status).HasMaxLength(16).IsRequired();
        builder.Property(m => m.EngineMessageId).HasMaxLength(128);
        builder.Property(m => m.Error).HasMaxLength(1000);
        builder.HasIndex(m => new { m.AccountId, m.IdempotencyKey }).IsUnique();
        builder.HasIndex(m => new { m.AccountId, m.Status, m.Id });
        builder.HasIndex(m => new { m.Status, m.Id });
        builder.HasIndex(m => m.LastAttemptAt);
        builder.HasOne<AccountRecord>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal static class OutboxModel
{
    public const int KeyMaxLength = 255;

    public static OutboxMessageRecord ToRecord(this OutboxMessage m) => new()
    {
        Id = m.Id,
        AccountId = m.AccountId,
        Recipient = m.To.Value,
        Text = m.Text,
        NotBefore = m.NotBefore,
        IdempotencyKey = m.IdempotencyKey,
        Status = m.Status.ToString(),
        Attempts = m.Attempts,
        CreatedAt = m.CreatedAt,
        UpdatedAt = m.UpdatedAt,
        NextAttemptAt = m.NextAttemptAt,
        LastAttemptAt = m.LastAttemptAt,
        SentAt = m.SentAt,
        EngineMessageId = m.EngineMessageId,
        Error = m.Error is { Length: > 1000 } error ? error[..1000] : m.Error,
    };

    public static OutboxMessage ToMessage(this OutboxMessageRecord r) => new()
    {
        Id = r.Id,
        AccountId = r.AccountId,
        To = PhoneNumber.Parse(r.Recipient),
        Text = r.Text,
        NotBefore = r.NotBefore,
        IdempotencyKey = r.IdempotencyKey,
        // A status this version does not know is treated as Unknown: never sent again without a person.
        Status = Enum.TryParse<OutboxStatus>(r.Status, out var status) ? status : OutboxStatus.Unknown,
        Attempts = r.Attempts,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
        NextAttemptAt = r.NextAttemptAt,
        LastAttemptAt = r.LastAttemptAt,
        SentAt = r.SentAt,
        EngineMessageId = r.EngineMessageId,
        Error = r.Error,
    };
}
