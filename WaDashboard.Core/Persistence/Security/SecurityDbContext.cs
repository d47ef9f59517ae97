using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace WaDashboard.Core.Persistence.Security;

public sealed class DashboardUser : IdentityUser;

/// <summary>An API key as stored: its name, role, a short public prefix for lookup and a hash of the whole key. Never the key.</summary>
public sealed class ApiKeyRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>Users, roles and API keys, in the same database as the accounts, with its own migrations history.</summary>
public sealed class SecurityDbContext(DbContextOptions<SecurityDbContext> options) : IdentityDbContext<DashboardUser>(options)
{
    public const string MigrationsTable = "__SecurityMigrationsHistory";

    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ApiKeyRecord>(key =>
        {
            key.ToTable("ApiKeys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(32);
            key.Property(k => k.Name).HasMaxLength(100).IsRequired();
            key.HasIndex(k => k.Name).IsUnique();
            key.Property(k => k.Role).HasMaxLength(16).IsRequired();
            key.Property(k => k.Prefix).HasMaxLength(16).IsRequired();
            key.HasIndex(k => k.Prefix).IsUnique();
            key.Property(k => k.Hash).HasMaxLength(128).IsRequired();
            key.Property(k => k.CreatedBy).HasMaxLength(256).IsRequired();
            key.Property(k => k.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            key.Property(k => k.RevokedAt).HasConversion(v => v.HasValue ? v.Value.UtcTicks : (long?)null, v => v.HasValue ? new DateTimeOffset(v.Value, TimeSpan.Zero) : null);
        });
    }
}
