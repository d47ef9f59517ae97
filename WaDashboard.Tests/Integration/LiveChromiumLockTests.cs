using System.Diagnostics;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Integration;

/// <summary>A test that needs Debian's Chromium; skipped, saying so, only where it is not installed (CI installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath))
        {
            Skip = $"{ChromiumPath} is not installed (apt-get install chromium).";
        }
    }
}

/// <summary>
/// Finding 1 with a real browser: Chromium holds a whatsapp-web.js profile (LocalAuth layout) while the account is
/// stopped. Its lock is not stale, the cleanup does not plan to remove it, the repair refuses it; once the browser is
/// gone the same lock is stale and is removed.
/// </summary>
public sealed class LiveChromiumLockTests : IDisposable
{
    private readonly StorageStack _storage = new();
    private readonly TempDirectory _home = new("wadash-chromium-home");
    private Process? _browser;

    [ChromiumFact]
    public async Task A_running_browsers_lock_is_never_called_stale_nor_removed()
    {
        var account = new AccountState
        {
            Id = AccountId.New(),
            Name = "Clinic",
            Phone = PhoneNumber.Parse("+972501234567"),
            CreatedAt = _storage.Time.GetUtcNow(),
            StatusSince = _storage.Time.GetUtcNow(),
            Status = AccountStatus.Stopped,
            SessionLinked = true,
            Generation = 1,
        };
        var folder = RealFolders.CopyTo(RealFolders.WwebjsReached, _storage.Folders.GenerationFolder(account.Id, 1));
        var profile = Path.Combine(folder, RealFolders.LocalAuthProfile);
        var lockPath = Path.Combine(profile, "SingletonLock");

        _browser = StartChromium(profile);
        var target = await WaitForLockAsync(lockPath);

        var inspection = _storage.Inspect(folder, inUse: false);
        Assert.Empty(inspection.StaleLocks);
        var held = Assert.Single(inspection.Findings, f => f.Kind == FindingKind.ProfileLocked);
        Assert.Contains("runs on this host", held.Detail);
        Assert.Equal(RepairAction.None, held.Action);
        var plan = await _storage.Planner.PlanAsync(new InMemoryOwners(_storage, account), CancellationToken.None);
        Assert.DoesNotContain(plan.Items, i => i.Kind == CleanupKind.StaleLocks);

        var refused = _storage.Repairs.Run(account.Id, 1, new RemoveStaleLocks());
        Assert.False(refused.Done, refused.Message);
        Assert.Equal(target, new FileInfo(lockPath).LinkTarget);
        Assert.True(File.Exists(Path.Combine(profile, "Local State")));

        // The browser goes away (as after a crash): now the same lock is stale, and it is removed.
        _browser.Kill(entireProcessTree: true);
        await _browser.WaitForExitAsync();
        var after = _storage.Inspect(folder, inUse: false);
        Assert.Contains("session-acct/SingletonLock", after.StaleLocks);
        var removed = _storage.Repairs.Run(account.Id, 1, new RemoveStaleLocks());
        Assert.True(removed.Done, removed.Message);
        Assert.False(FolderWalker.EntryExists(lockPath));
        Assert.True(_storage.Inspect(folder).LoginPresent);
    }

    private Process StartChromium(string profile)
    {
        var start = new ProcessStartInfo(ChromiumFactAttribute.ChromiumPath)
        {
            ArgumentList = { "--headless", "--no-sandbox", "--no-first-run", "--disable-gpu", $"--user-data-dir={profile}", "about:blank" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = _home.Path;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<string> WaitForLockAsync(string lockPath)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (new FileInfo(lockPath).LinkTarget is { } target && ChromiumLocks.JudgeTarget(target).Holder == LockHolder.AliveHere)
            {
                return target;
            }

            Assert.False(_browser!.HasExited, "Chromium exited before it locked the profile");
            await Task.Delay(100);
        }

        throw new TimeoutException("Chromium did not lock the profile within 30 s.");
    }

    public void Dispose()
    {
        if (_browser is { HasExited: false })
        {
            _browser.Kill(entireProcessTree: true);
            _browser.WaitForExit(10_000);
        }

        _browser?.Dispose();
        _storage.Dispose();
        _home.Dispose();
    }
}
