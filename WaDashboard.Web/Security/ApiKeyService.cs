using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

/// <summary>An API key as a person sees it in the list: never its value.</summary>
public sealed record ApiKeyInfo(string Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, bool FromConfiguration);

/// <summary>Who an accepted key speaks for.</summary>
public sealed record ApiKeyIdentity(string Name, string Role);

/// <summary>
/// Creates, lists, revokes and checks API keys. Keys are 32 random bytes; only a SHA-256 hash and a short public
/// prefix are stored, and the key is shown once at creation. Keys from configuration are checked the same way.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<SecurityDbContext> contexts, IOptions<SecurityOptions> options, TimeProvider time)
{
    private const string KeyStart = "wad_";
    private readonly Dictionary<string, ApiKeyIdentity> _configured = options.Value.ApiKeys
        .ToDictionary(k => Hash(k.Value.Key), k => new ApiKeyIdentity(k.Key, k.Value.Role), StringComparer.Ordinal);

    public async Task<(ApiKeyInfo Info, string Key)> CreateAsync(string name, string role, string createdBy, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("Give the key a name of 1 to 100 characters, e.g. \"reminder-service\".", nameof(name));
        }

        if (WaDashboard.Core.Accounts.DisplayText.Problem(name) is { } unsafeName)
        {
            throw new ArgumentException(unsafeName, nameof(name));
        }

        if (!Roles.All.Contains(role, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The role must be one of {string.Join(", ", Roles.All)}.", nameof(role));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.ApiKeys.AnyAsync(k => k.Name == name, cancellationToken) || options.Value.ApiKeys.ContainsKey(name))
        {
            throw new ArgumentException($"A key named \"{name}\" already exists; choose another name or revoke the old key.", nameof(name));
        }

        var prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        var key = $"{KeyStart}{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var record = new ApiKeyRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = name,
            Role = role,
            Prefix = prefix,
            Hash = Hash(key),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
        };
        db.ApiKeys.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return (ToInfo(record), key);
    }

    public async Task<ApiKeyInfo?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (record is null)
        {
            return null;
        }

        record.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ToInfo(record);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Name).ToListAsync(cancellationToken);
        var configured = options.Value.ApiKeys.Select(k => new ApiKeyInfo("config:" + k.Key, k.Key, k.Value.Role, "", default, "configuration", null, FromConfiguration: true));
        return configured.Concat(stored.Select(ToInfo)).ToList();
    }

    public async Task<ApiKeyIdentity?> ValidateAsync(string? presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(presented) || presented.Length > 200)
        {
            return null;
        }

        var hash = Hash(presented.Trim());
        if (_configured.TryGetValue(hash, out var fromConfig))
        {
            return fromConfig;
        }

        var parts = presented.Trim().Split('_');
        if (parts.Length < 3 || !presented.StartsWith(KeyStart, StringComparison.Ordinal))
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Prefix == parts[1], cancellationToken);
        if (record is null || record.RevokedAt is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(record.Hash), Encoding.ASCII.GetBytes(hash)))
        {
            return null;
        }

        return new ApiKeyIdentity(record.Name, record.Role);
    }

    private static ApiKeyInfo ToInfo(ApiKeyRecord r) => new(r.Id, r.Name, r.Role, r.Prefix, r.CreatedAt, r.CreatedBy, r.RevokedAt, FromConfiguration: false);

    internal static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
