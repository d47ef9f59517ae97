using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// The inspectors on real folders with many problems at once: every finding's evidence they write is a sentence of
/// <see cref="FindingEvidence"/>, so the console can say each in the person's language, and the arguments read back are
/// the data that went in (file names, counts). Key files over their limit give one finding per kind of key file, each one
/// sentence.
/// </summary>
public sealed class FindingEvidenceTests : IDisposable
{
    private readonly StorageStack _storage = new(new SessionStorageOptions
    {
        MaxSizeMB = 1,
        MaxFileCount = 20,
        MaxKeyFilesPerType = 4,
        TrimSuggestionMB = 1,
    });

    public void Dispose() => _storage.Dispose();

    private static void AllRead(SessionInspection inspection)
    {
        Assert.NotEmpty(inspection.Findings);
        Assert.Empty(inspection.Findings.Where(f => !FindingEvidence.Book.TryRead(f.Detail, out _)).Select(f => $"{f.Kind}: {f.Detail}"));
    }

    [Fact]
    public void Every_finding_on_crowded_broken_and_locked_folders_is_a_phrase()
    {
        var baileys = SessionFixtures.Baileys(_storage.Scratch("baileys"), preKeys: 30);
        for (var i = 0; i < 6; i++)
        {
            SessionFixtures.Write(Path.Combine(baileys, $"session-{i}.0.json"), "{}");
        }

        SessionFixtures.Write(Path.Combine(baileys, "creds.json.tmp"), "{");
        SessionFixtures.Age(Path.Combine(baileys, "creds.json.tmp"), TimeSpan.FromDays(1), _storage.Time.GetUtcNow());
        var crowded = _storage.Inspect(baileys);
        AllRead(crowded);
        var keyFiles = crowded.Findings.Where(f => f.Kind == FindingKind.KeyFilesGrowing).ToList();
        Assert.Equal(2, keyFiles.Count);
        Assert.True(FindingEvidence.Book.TryRead(keyFiles[0].Detail, out var preKeys));
        Assert.Equal(("KeyFiles.Over", "30", "pre-key", "4"), (preKeys.Code, preKeys.Args[0], preKeys.Args[1], preKeys.Args[2]));

        var truncated = SessionFixtures.Baileys(_storage.Scratch("truncated"));
        SessionFixtures.TruncateCreds(truncated);
        AllRead(_storage.Inspect(truncated));

        var chromium = SessionFixtures.ChromiumProfile(_storage.Scratch("chromium"), cacheBytes: 2 * SessionStorageOptions.BytesPerMegabyte);
        SessionFixtures.StaleLock(chromium);
        var locked = _storage.Inspect(chromium);
        AllRead(locked);
        Assert.Contains(locked.Findings, f => f.Kind == FindingKind.StaleLock);

        var unknown = _storage.Scratch("unknown");
        SessionFixtures.Write(Path.Combine(unknown, "notes.txt"), "hello");
        AllRead(_storage.Inspect(unknown));
    }
}
