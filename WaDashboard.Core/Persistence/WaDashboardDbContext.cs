using Microsoft.EntityFrameworkCore;

namespace WaDashboard.Core.Persistence;

public sealed class WaDashboardDbContext(DbContextOptions<WaDashboardDbContext> options) : DbContext(options)
{
    public DbSet<AccountRecord> Accounts => Set<AccountRecord>();
    public DbSet<TimelineEntryRecord> Timeline => Set<TimelineEntryRecord>();
    public DbSet<SessionSnapshotRecord> SessionSnapshots => Set<SessionSnapshotRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // UTC ticks as integers: ordered and compared the same way on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    /// <summary>Each feature owns the configuration of its tables (an <see cref="IEntityTypeConfiguration{TEntity}"/> beside its records).</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WaDashboardDbContext).Assembly, type => type.IsAssignableTo(typeof(IWaDashboardEntityConfiguration)));
}

/// <summary>Marks the entity configurations of <see cref="WaDashboardDbContext"/> (the security tables have a context of their own).</summary>
public interface IWaDashboardEntityConfiguration;

internal sealed class UtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
