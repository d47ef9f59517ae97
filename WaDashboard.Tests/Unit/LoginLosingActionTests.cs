using Microsoft.Data.Sqlite;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

/// <summary>
/// The rule, across every real fixture (and the damage the field notes describe) and every state an account can be in:
/// no recommendation or automatic action that loses a login (Clear session; quarantining the current generation before
/// a start) unless the login was proven broken — and for a login whose proofs hold, or that could not be checked, never.
/// </summary>
public sealed class LoginLosingActionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private const string Id = "0123456789abcdef";
    private readonly StorageStack _storage = new();

    /// <summary>Folders whose login works (or may work): nothing may ever throw them away on the folder's word.</summary>
    private static readonly HashSet<string> Healthy = new(StringComparer.Ordinal)
    {
        RealFolders.BaileysLinked, RealFolders.WhatsmeowLinked, RealFolders.WhatsmeowLinkedSqlite, RealFolders.WhatsmeowLinkedSqlite3,
        RealFolders.WhatsmeowHotJournal, RealFolders.WwebjsReached, "busy whatsmeow", "live lock on a linked profile", "creds being written",
        "unrecognised contents",
    };

    private static IEnumerable<string> Cases() =>
    [
        .. RealFolders.All, "busy whatsmeow", "live lock on a linked profile", "creds being written", "truncated creds", "empty creds",
        "unrecognised contents", "missing folder", "empty folder",
    ];

    [Fact]
    public void No_login_losing_action_without_a_login_proven_broken()
    {
        var checkedStates = 0;
        foreach (var name in Cases())
        {
            using var scope = Prepare(name, out var folder, out var holdsEngine);
            // The inspection depends on the account only through "in use"; each is made once and read in every state.
            var inspections = new[] { false, true }.ToDictionary(inUse => inUse, inUse => _storage.Inspector.Inspect(folder, new InspectionContext(inUse || holdsEngine, Now, Deep: true)));
            foreach (var inspection in inspections.Values)
            {
                Assert.True(!inspection.Problems.Any() || inspection.Login.IsProvenBroken, $"{name}: {inspection.Login.Summary}");
                if (Healthy.Contains(name))
                {
                    Assert.False(inspection.Login.IsProvenBroken, $"{name}: {inspection.Login.Summary}");
                    Assert.False(inspection.Verdict is SessionVerdict.Corrupt or SessionVerdict.NoLogin or SessionVerdict.Missing, $"{name}: {inspection.Verdict}");
                }
            }

            // The automatic action: the supervisor's check before a start quarantines only what it calls corrupt.
            if (!holdsEngine)
            {
                var check = _storage.Repairs.Check(Id, 1, deep: false);
                Assert.True(!check.Corrupt || inspections[false].Login.IsProvenBroken, $"{name}: before-start check: {check.Detail}");
                Assert.True(!check.Corrupt || !Healthy.Contains(name), $"{name}: before-start check: {check.Detail}");
            }

            foreach (var status in Enum.GetValues<AccountStatus>())
            {
                foreach (var linked in new[] { true, false })
                {
                    var inspection = inspections[SessionTransitions.IsActive(status)];
                    var diagnosis = SessionAdvisor.Diagnose(Account(status, linked), inspection, [], Now);
                    var context = $"{name}, {status}, linked={linked}: login {diagnosis.Login.Summary}; findings {string.Join(", ", diagnosis.Findings.Select(f => $"{f.Kind}/{f.Action}"))}";

                    var losesLogin = diagnosis.Recommendations.ShouldClearSession || diagnosis.Findings.Any(f => f.Action == RepairAction.ClearSession);
                    Assert.True(!losesLogin || diagnosis.Login.IsProvenBroken, context);
                    if (Healthy.Contains(name))
                    {
                        // Only the engine's own refusal of a session whose keys cannot be verified from outside can argue for clearing it.
                        Assert.True(!losesLogin || (status == AccountStatus.SessionCorrupt && inspection.Login.Result == LoginCheckResult.Unknown && inspection.LoginPresent), context);
                    }

                    checkedStates++;
                }
            }
        }

        Assert.Equal(Cases().Count() * Enum.GetValues<AccountStatus>().Length * 2, checkedStates);
    }

    /// <summary>Makes the case's generation folder; the returned scope undoes what holds it (a writer, a lock).</summary>
    private IDisposable Prepare(string name, out string folder, out bool holdsEngine)
    {
        folder = _storage.Folders.GenerationFolder(Id, 1);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(_storage.Folders.AccountFolder(Id));
        holdsEngine = false;
        switch (name)
        {
            case "busy whatsmeow":
                RealFolders.CopyTo(RealFolders.WhatsmeowLinked, folder);
                var writer = new SqliteConnection($"Data Source={Path.Combine(folder, "whatsmeow.db")};Pooling=False");
                writer.Open();
                using (var command = writer.CreateCommand())
                {
                    command.CommandText = "BEGIN EXCLUSIVE; DELETE FROM whatsmeow_pre_keys;";
                    command.ExecuteNonQuery();
                }

                return writer;
            case "live lock on a linked profile":
                RealFolders.CopyTo(RealFolders.WwebjsReached, folder);
                File.CreateSymbolicLink(Path.Combine(folder, RealFolders.LocalAuthProfile, "SingletonLock"), $"{System.Net.Dns.GetHostName()}-{Environment.ProcessId}");
                break;
            case "creds being written":
                RealFolders.CopyTo(RealFolders.BaileysLinked, folder);
                SessionFixtures.TruncateCreds(folder);
                holdsEngine = true; // an engine holds the session while it writes
                break;
            case "truncated creds":
                RealFolders.CopyTo(RealFolders.BaileysLinked, folder);
                SessionFixtures.TruncateCreds(folder);
                break;
            case "empty creds":
                RealFolders.CopyTo(RealFolders.BaileysLinked, folder);
                SessionFixtures.EmptyCreds(folder);
                break;
            case "unrecognised contents":
                SessionFixtures.Write(Path.Combine(folder, "notes.txt"), "kept by hand");
                break;
            case "missing folder":
                break;
            case "empty folder":
                Directory.CreateDirectory(folder);
                break;
            default:
                RealFolders.CopyTo(name, folder);
                if (name == RealFolders.WwebjsCrashed)
                {
                    RealFolders.LockByDeadProcessHere(Path.Combine(folder, RealFolders.LocalAuthProfile));
                }

                break;
        }

        return new Nothing();
    }

    private static AccountState Account(AccountStatus status, bool linked) => new()
    {
        Id = Id,
        Name = "Clinic",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = Now.AddDays(-1),
        StatusSince = Now.AddMinutes(-5),
        Status = status,
        SessionLinked = linked,
        Generation = 1,
        RawCode = status == AccountStatus.SessionCorrupt ? "500" : null,
        RawText = status == AccountStatus.SessionCorrupt ? "Bad MAC (badSession)" : null,
        BannedUntil = status == AccountStatus.Banned ? Now.AddHours(5) : null,
    };

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }

    public void Dispose() => _storage.Dispose();
}
