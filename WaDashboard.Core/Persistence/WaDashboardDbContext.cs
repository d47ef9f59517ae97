using Microsoft.EntityFrameworkCore;

namespace WaDashboard.Core.Persistence;

public sealed class WaDashboardDbContext(DbContextOptions<WaDashboardDbContext> options) : DbContext(options)
{
    public DbSet<AccountRecord> Accounts => Set<AccountRecord>();
    public DbSet<TimelineEntryRecord> Timeline => Set<TimelineEntryRecord>();
    public DbSet<Audit.AuditRecord> Audit => Set<Audit.AuditRecord>();
    public DbSet<Messaging.OutboxMessageRecord> OutboxMessages => Set<Messaging.OutboxMessageRecord>();
    public DbSet<SessionSnapshotRecord> SessionSnapshots => Set<SessionSnapshotRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // UTC ticks as integers: ordered and compared the same way on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AccountRecord>(account =>
        {
            account.ToTable("Accounts");
            account.HasKey(a => a.Id);
            account.Property(a => a.Id).HasMaxLength(32);
            account.Property(a => a.Name).HasMaxLength(200).IsRequired();
            account.Property(a => a.Phone).HasMaxLength(16).IsRequired();
            account.HasIndex(a => a.Phone).IsUnique();
            account.Property(a => a.WorkerId).HasMaxLength(40).IsRequired();
            account.Property(a => a.Status).HasMaxLength(32).IsRequired();
            account.Property(a => a.Reason).HasMaxLength(32);
            account.Property(a => a.RawCode).HasMaxLength(100);
            account.Property(a => a.RawText).HasMaxLength(1000);
            account.Property(a => a.LinkedJid).HasMaxLength(100);
            account.Property(a => a.PushName).HasMaxLength(200);
            account.Property(a => a.Note).HasMaxLength(1000);
        });

        modelBuilder.Entity<TimelineEntryRecord>(entry =>
        {
            entry.ToTable("TimelineEntries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.AccountId).HasMaxLength(32).IsRequired();
            entry.Property(e => e.FromStatus).HasMaxLength(32).IsRequired();
            entry.Property(e => e.ToStatus).HasMaxLength(32).IsRequired();
            entry.Property(e => e.Reason).HasMaxLength(32);
            entry.Property(e => e.RawCode).HasMaxLength(100);
            entry.Property(e => e.RawText).HasMaxLength(1000);
            entry.Property(e => e.Note).HasMaxLength(1000);
            entry.HasIndex(e => new { e.AccountId, e.Id });
            entry.HasOne<AccountRecord>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        // Audit entries outlive the accounts they name: no foreign key.
        modelBuilder.Entity<Audit.AuditRecord>(audit =>
        {
            audit.ToTable("AuditEntries");
            audit.HasKey(a => a.Id);
            audit.Property(a => a.Actor).HasMaxLength(256).IsRequired();
            audit.Property(a => a.Action).HasMaxLength(64).IsRequired();
            audit.Property(a => a.AccountId).HasMaxLength(32);
            audit.Property(a => a.Detail).HasMaxLength(1000);
            audit.HasIndex(a => a.AccountId);
        });
        Messaging.OutboxModel.Configure(modelBuilder);
        // No foreign key: snapshots of a removed account simply age out with the snapshot retention.
        modelBuilder.Entity<SessionSnapshotRecord>(snapshot =>
        {
            snapshot.ToTable("SessionSnapshots");
            snapshot.HasKey(s => s.Id);
            snapshot.Property(s => s.AccountId).HasMaxLength(32).IsRequired();
            snapshot.Property(s => s.KeyFileCounts).HasMaxLength(2000).IsRequired();
            snapshot.HasIndex(s => new { s.AccountId, s.Generation, s.At });
            snapshot.HasIndex(s => s.At);
        });
    }
}

internal sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
