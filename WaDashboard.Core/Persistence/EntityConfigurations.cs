using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WaDashboard.Core.Persistence;

internal sealed class AccountRecordConfiguration : IEntityTypeConfiguration<AccountRecord>, IWaDashboardEntityConfiguration
{
    public void Configure(EntityTypeBuilder<AccountRecord> builder)
    {
        builder.ToTable("Accounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(32);
        builder.Property(a => a.Name).HasMaxLength(200).IsRequired();
        builder.Property(a => a.Phone).HasMaxLength(16).IsRequired();
        builder.HasIndex(a => a.Phone).IsUnique();
        builder.Property(a => a.WorkerId).HasMaxLength(40).IsRequired();
        builder.Property(a => a.Status).HasMaxLength(32).IsRequired();
        builder.Property(a => a.Reason).HasMaxLength(32);
        builder.Property(a => a.RawCode).HasMaxLength(100);
        builder.Property(a => a.RawText).HasMaxLength(1000);
        builder.Property(a => a.LinkedJid).HasMaxLength(100);
        builder.Property(a => a.PushName).HasMaxLength(200);
        builder.Property(a => a.Note).HasMaxLength(1000);
    }
}

internal sealed class TimelineEntryRecordConfiguration : IEntityTypeConfiguration<TimelineEntryRecord>, IWaDashboardEntityConfiguration
{
    public void Configure(EntityTypeBuilder<TimelineEntryRecord> builder)
    {
        builder.ToTable("TimelineEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.AccountId).HasMaxLength(32).IsRequired();
        builder.Property(e => e.FromStatus).HasMaxLength(32).IsRequired();
        builder.Property(e => e.ToStatus).HasMaxLength(32).IsRequired();
        builder.Property(e => e.Reason).HasMaxLength(32);
        builder.Property(e => e.RawCode).HasMaxLength(100);
        builder.Property(e => e.RawText).HasMaxLength(1000);
        builder.Property(e => e.Note).HasMaxLength(1000);
        builder.HasIndex(e => new { e.AccountId, e.Id });
        builder.HasOne<AccountRecord>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>No foreign key: snapshots of a removed account simply age out with the snapshot retention.</summary>
internal sealed class SessionSnapshotRecordConfiguration : IEntityTypeConfiguration<SessionSnapshotRecord>, IWaDashboardEntityConfiguration
{
    public void Configure(EntityTypeBuilder<SessionSnapshotRecord> builder)
    {
        builder.ToTable("SessionSnapshots");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.AccountId).HasMaxLength(32).IsRequired();
        builder.Property(s => s.KeyFileCounts).HasMaxLength(2000).IsRequired();
        builder.HasIndex(s => new { s.AccountId, s.Generation, s.At });
        builder.HasIndex(s => s.At);
    }
}
