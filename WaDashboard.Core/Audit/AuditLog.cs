using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Core.Audit;

/// <summary>Who did what to which account (or user, or key), and what came of it.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string? AccountId, string? Detail);

public sealed class AuditRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string? AccountId { get; set; }
    public string? Detail { get; set; }
}

/// <summary>Audit entries outlive the accounts they name: no foreign key.</summary>
internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>, IWaDashboardEntityConfiguration
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Actor).HasMaxLength(256).IsRequired();
        builder.Property(a => a.Action).HasMaxLength(64).IsRequired();
        builder.Property(a => a.AccountId).HasMaxLength(32);
        builder.Property(a => a.Detail).HasMaxLength(1000);
        builder.HasIndex(a => a.AccountId);
    }
}

/// <summary>The persisted audit log. Actors are user names or "api-key:{name}" — never a key's value.</summary>
public sealed class AuditLog(IDbContextFactory<WaDashboardDbContext> contexts, TimeProvider time, ILogger<AuditLog> logger)
{
    public async Task RecordAsync(string actor, string action, string? accountId, string? detail, CancellationToken cancellationToken = default)
    {
        var entry = new AuditRecord
        {
            At = time.GetUtcNow(),
            Actor = Clip(actor, 256)!,
            Action = Clip(action, 64)!,
            AccountId = accountId,
            Detail = Clip(detail, 1000),
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Set<AuditRecord>().Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Audit: {Actor} {Action} {AccountId}: {Detail}", entry.Actor, entry.Action, accountId, entry.Detail);
    }

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(int take, string? accountId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Set<AuditRecord>().AsNoTracking();
        if (accountId is not null)
        {
            query = query.Where(a => a.AccountId == accountId);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
        return rows.Select(r => new AuditEntry(r.At, r.Actor, r.Action, r.AccountId, r.Detail)).ToList();
    }

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
