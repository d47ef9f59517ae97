using System.Security.Cryptography;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

/// <summary>
/// Hostile ids and paths (traversal, absolute paths, encoded separators, NUL, look-alike slashes, reserved names,
/// links that point outside) thrown at every place where a name becomes a path: none may address anything outside the
/// sessions root, and nothing outside it may change.
/// </summary>
public sealed class PathSafetyFuzzTests : IDisposable
{
    private const int Cases = 12_000;

    private readonly StorageStack _storage = new();
    private readonly string _accountId = AccountId.New();
    private readonly string _outside;
    private readonly string _evilSibling;

    public PathSafetyFuzzTests()
    {
        // Things outside the sessions root that an escape would reach: a sibling folder, a sibling whose name starts
        // like the root (a prefix check without a separator would let it through), and the data folder itself.
        _outside = Path.Combine(_storage.DataDirectory, "outside");
        _evilSibling = _storage.Root + "-evil";
        SessionFixtures.Write(Path.Combine(_outside, "secret.txt"), "outside");
        SessionFixtures.Write(Path.Combine(_evilSibling, "secret.txt"), "sibling");
        SessionFixtures.Write(Path.Combine(_storage.DataDirectory, "wadashboard.db"), "database");

        // Inside: a real account's session, a real orphan, and an orphan that is a link to the outside folder.
        SessionFixtures.Baileys(_storage.Folders.GenerationFolder(_accountId, 1));
        _storage.Backups.BackUp(_accountId, 1, "fixture");
        SessionFixtures.Write(Path.Combine(_storage.Root, "orphan-1", "file.txt"), "orphan");
        Directory.CreateSymbolicLink(Path.Combine(_storage.Root, "escape-link"), _outside);
    }

    [Fact]
    public void Twelve_thousand_hostile_names_never_address_anything_outside_the_sessions_root()
    {
        var before = OutsideRoot();
        var root = _storage.Root;
        var escapes = new List<string>();
        var random = new Random(5);
        var inputs = Hostile(random).Take(Cases).ToList();
        Assert.True(inputs.Count >= 10_000);

        foreach (var input in inputs)
        {
            Check(input, "AccountFolder", () => _storage.Folders.AccountFolder(input), path => AccountId.IsValid(input) && Path.GetDirectoryName(path) == root);
            var generation = random.Next(4) switch { 0 => -1, 1 => 0, 2 => 1, _ => int.MaxValue };
            Check(input, "GenerationFolder", () => _storage.Folders.GenerationFolder(input, generation), path => generation >= 1 && AccountId.IsValid(input));

            if (SessionPaths.TryChild(root, input, out var child, out _) && !(SessionPaths.IsInside(root, child) && Path.GetDirectoryName(child) == root))
            {
                escapes.Add($"TryChild({Show(input)}) = {child}");
            }

            if (SessionPaths.TryExistingChild(root, input, out var existing)
                && !(SessionPaths.IsInside(root, existing) && Path.GetDirectoryName(existing) == root && FolderWalker.EntryExists(existing)))
            {
                escapes.Add($"TryExistingChild({Show(input)}) = {existing}");
            }

            if (SessionPaths.TryRelative(root, input, out var relative) && !SessionPaths.IsInside(root, relative))
            {
                escapes.Add($"TryRelative({Show(input)}) = {relative}");
            }

            if (SessionPaths.TryExistingPath(root, input, out var existingPath) && !SessionPaths.IsInside(root, existingPath))
            {
                escapes.Add($"TryExistingPath({Show(input)}) = {existingPath}");
            }

            var (restored, _) = _storage.Backups.Restore(_accountId, 1, input);
            if (restored)
            {
                escapes.Add($"Restore({Show(input)}) restored something");
            }

            // A request naming an orphan to quarantine: only entries really in the root can match; the real orphans may go.
            var (moved, _) = _storage.Quarantine.MoveRootEntry(input, name => name == _accountId ? "the account" : null, "fuzz");
            if (moved && input is not ("orphan-1" or "escape-link"))
            {
                escapes.Add($"MoveRootEntry({Show(input)}) moved something");
            }

            void Check(string value, string what, Func<string> build, Func<string, bool> legitimate)
            {
                try
                {
                    var path = build();
                    if (!SessionPaths.IsInside(root, path) || !legitimate(path))
                    {
                        escapes.Add($"{what}({Show(value)}) = {path}");
                    }
                }
                catch (Exception ex) when (ex is ArgumentException or UnauthorizedAccessException)
                {
                }
            }
        }

        Assert.True(escapes.Count == 0, $"{escapes.Count} escapes, e.g.:\n{string.Join('\n', escapes.Take(20))}");

        // Whatever was quarantined and purged, nothing outside the root changed: the link went, not what it pointed at.
        _storage.Time.Advance(_storage.Options.QuarantineRetention + TimeSpan.FromDays(1));
        _storage.Quarantine.PurgeExpired();
        Assert.Equal(before, OutsideRoot());
        Assert.True(File.Exists(Path.Combine(_outside, "secret.txt")));
        Assert.False(FolderWalker.EntryExists(Path.Combine(root, "escape-link")));
        Assert.False(Directory.Exists(Path.Combine(root, "orphan-1")));
        Assert.True(File.Exists(Path.Combine(_storage.Folders.GenerationFolder(_accountId, 1), "creds.json")));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside")]
    [InlineData("/etc")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData(" padded ")]
    [InlineData("")]
    public void A_name_that_is_not_one_plain_segment_is_refused_with_a_reason(string name)
    {
        Assert.False(SessionPaths.IsSafeName(name, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.False(SessionPaths.TryChild(_storage.Root, name, out _, out _));
    }

    [Fact]
    public void The_prefix_of_the_root_is_not_inside_it()
    {
        Assert.False(SessionPaths.IsInside(_storage.Root, _evilSibling));
        Assert.False(SessionPaths.IsInside(_storage.Root, _storage.Root));
        Assert.False(SessionPaths.IsInside(_storage.Root, Path.Combine(_storage.Root, "..", "outside")));
        Assert.True(SessionPaths.IsInside(_storage.Root, Path.Combine(_storage.Root, "x")));
    }

    [Fact]
    public void Quarantining_refuses_the_dashboards_own_entries_and_accounts_folders()
    {
        Directory.CreateDirectory(_storage.Quarantine.Folder);
        foreach (var reserved in new[] { ".quarantine", ".backups" })
        {
            var (done, message) = _storage.Quarantine.MoveRootEntry(reserved, _ => null, "test");
            Assert.False(done);
            Assert.Contains("dashboard itself", message);
        }

        var (accountDone, accountMessage) = _storage.Quarantine.MoveRootEntry(_accountId, id => id == _accountId ? "Clinic" : null, "test");
        Assert.False(accountDone);
        Assert.Contains("session folder of Clinic", accountMessage);
        Assert.Throws<UnauthorizedAccessException>(() => _storage.Quarantine.Move([_outside], "orphan", "test"));
        Assert.Throws<UnauthorizedAccessException>(() => _storage.Quarantine.Move([Path.Combine(_storage.Root, ".backups")], "orphan", "test"));
    }

    private IEnumerable<string> Hostile(Random random) => HostileNames.Generate(random,
    [
        _outside,
        _evilSibling,
        Path.Combine(_storage.Root, "..", "outside"),
        "../" + Path.GetFileName(_evilSibling),
        _accountId + "/../../outside",
        _accountId + "/1/../../../outside",
    ], _storage.Root);

    /// <summary>Every entry in the data folder outside the sessions root, with a hash of each file.</summary>
    private SortedDictionary<string, string> OutsideRoot()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in FolderWalker.Walk(_storage.DataDirectory, e => !e.Info.FullName.StartsWith(_storage.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                                                                            && e.Info.FullName != _storage.Root))
        {
            if (entry.Info.FullName == _storage.Root || entry.Info.FullName.StartsWith(_storage.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            result[entry.RelativePath] = entry.IsDirectory ? "dir" : entry.IsLink ? "link" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.Info.FullName)));
        }

        return result;
    }

    private static string Show(string value) => string.Concat(value.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    public void Dispose() => _storage.Dispose();
}
